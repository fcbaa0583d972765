"""What happens to one file, in whichever process reads it: load it, run the rules that need nothing but the
file, and keep only what the cross-resource checks will ask for.

Keeping every document of a 20,000-file repository in memory until the end would cost gigabytes. Instead each
file yields its input findings, the findings of per-object rules, its suppression directives, and compact
copies of the objects the inventory needs (Services and Ingresses whole; workloads, autoscalers and custom
resources reduced to the fields the inventory reads, with the spans of those fields only).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from svclint.core.bounded_read import TooLargeError
from svclint.core.model import FieldPath, Finding, Location
from svclint.core.stats import FileStats
from svclint.engine.evaluate import ActiveRule, Engine
from svclint.engine.findings import make_finding
from svclint.input.document import Document, Resource, get_in
from svclint.input.envsubst import fill_defaults, placeholder_note, without_hidden
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.loader import DirectiveComment, LoadedFile, LoadOptions, load_bytes, too_large
from svclint.input.parsing.reuse import ChunkReuse
from svclint.input.partial import (
    has_patch_directives,
    is_kustomization_file,
    looks_like_fragment,
    remove_patch_directives,
)
from svclint.input.respan import FileOrigin
from svclint.input.sources import Source
from svclint.inventory.controllers import is_rbac
from svclint.inventory.index import Inventory
from svclint.inventory.paths.gateway import ROUTE_KINDS
from svclint.inventory.paths.index import PATH_KINDS
from svclint.k8s.kinds import WORKLOAD_KINDS
from svclint.run.reuse import FileReuse, Prepared
from svclint.run.sharing import SharedValues

if TYPE_CHECKING:
    from svclint.input.parsing.reuse import ChunkReuse

# Gateway API routes are kept whole for their backendRefs: a route in front of a Service changes the advice. The
# path model reads the other objects on the way whole: they are small.
WHOLE_KINDS = frozenset({"Service", "Ingress", "ComputeFirewall", *ROUTE_KINDS, *PATH_KINDS})


class FileResult(Struct):
    path: str
    reported: bool
    stats: FileStats
    findings: list[Finding] = field(default_factory=list)
    kept: list[Resource] = field(default_factory=list)  # for the inventory and the cross-resource rules
    comments: list[DirectiveComment] = field(default_factory=list)
    annotated: list[Resource] = field(default_factory=list)  # objects with an svclint.io/ignore annotation
    kustomizations: list[dict[str, Any]] = field(default_factory=list)


class FileJob(Struct):
    """Everything a worker needs besides the file: the active rules, split into local and cross-resource."""

    local: Sequence[ActiveRule]
    input_rules: Mapping[str, ActiveRule]  # by name, for the loader's problems
    options: LoadOptions
    patches: frozenset[str] = frozenset()  # absolute paths of kustomize patch files
    params: Mapping[str, Any] = field(default_factory=dict)
    # Kinds the cross-resource rules check, kept whole rather than projected; None: every kind.
    whole_kinds: frozenset[str] | None = WHOLE_KINDS
    # Kinds that cross-resource rules check in their compact copies: kept at least with their identity (None:
    # every kind).
    projected_kinds: frozenset[str] | None = frozenset()
    # Keep the objects' spans rather than reading them again when asked: a report that locates every hop of
    # every path would read most files twice.
    keep_spans: bool = False


def process(
    source: Source, reported: bool, job: FileJob, stdin: bytes | None = None, reuse: FileReuse | None = None
) -> FileResult:
    """The file's findings and objects; with `reuse`, the documents of its last reading that did not change are
    neither parsed nor checked again."""
    is_patch = bool(job.patches) and os.path.abspath(source.display) in job.patches
    if reuse is not None:
        reuse.begin((reported, is_patch))
    loaded, origin = _load(source, job.options, stdin, reuse.chunks if reuse is not None else None)
    if is_patch:  # kustomize patches may leave the type to their `target:`
        loaded.problems = [p for p in loaded.problems if p.code != "missing-type-info"]
    engine = Engine(job.local, Inventory(), job.params) if reported else None
    made: list[Prepared] = []
    for resource in loaded.resources:
        prepared = _prepared(resource, reported, is_patch, engine, origin, job, reuse)
        _note_problems(loaded.problems, prepared)
        made.append(prepared)
    result = _file_result(loaded, made, reported, job)
    if reuse is not None:
        reuse.settle()
    return result


def _prepared(
    resource: Resource,
    reported: bool,
    is_patch: bool,
    engine: Engine | None,
    origin: FileOrigin | None,
    job: FileJob,
    reuse: FileReuse | None,
) -> Prepared:
    """The object prepared now, or as the file's last reading left it when the object did not change."""
    prepared = reuse.prepared(resource) if reuse is not None else None
    if prepared is None:
        prepared = _prepare(resource, reported, is_patch, engine, None if job.keep_spans else origin, job)
        if reuse is not None:
            reuse.keep(resource, prepared)
    elif prepared.kept is not None and prepared.kept.document.origin is not None:
        prepared.kept.document.origin = origin  # the same spans, without holding on to the last reading
    return prepared


def _note_problems(problems: list[StructureProblem], prepared: Prepared) -> None:
    if prepared.note is not None and not any(p.code == prepared.note.code for p in problems):
        problems.append(prepared.note)  # once per file
    if prepared.fragment is not None:
        problems.append(prepared.fragment)


def _file_result(loaded: LoadedFile, made: list[Prepared], reported: bool, job: FileJob) -> FileResult:
    result = FileResult(loaded.path, reported, loaded.stats)
    if reported:
        result.findings.extend(input_findings(loaded, job.input_rules))
        for prepared in made:
            result.findings.extend(prepared.findings)
    # Context files' suppressions too: their objects' cross-resource findings may be reported (run.py).
    result.comments = loaded.comments
    result.annotated = [r for r in loaded.resources if _has_ignore_annotation(r)]
    result.kept = [prepared.kept for prepared in made if prepared.kept is not None]
    if is_kustomization_file(loaded.path):
        result.kustomizations = [d.data for d in loaded.documents if isinstance(d.data, dict)]
    return result


def _prepare(
    resource: Resource,
    reported: bool,
    is_patch: bool,
    engine: Engine | None,
    origin: FileOrigin | None,
    job: FileJob,
) -> Prepared:
    """Fill in placeholders' defaults, mark patches, run the per-object rules, keep a compact copy."""
    resource.reported = reported
    found = fill_defaults(resource)
    placeholders = found if found.first is not None else None
    note = placeholder_note(resource, found) if placeholders is not None else None
    fragment = None
    if is_patch or has_patch_directives(resource.data):
        resource.partial = True
        remove_patch_directives(resource.data)
    elif looks_like_fragment(resource):
        resource.partial = True
        if resource.kind == "Service":
            fragment = _fragment_note(resource)
    findings: list[Finding] = []
    if engine is not None:
        findings = engine.check(resource)
        if placeholders is not None:
            findings = without_hidden(findings, placeholders)
    kept = compact(resource, origin, job.whole_kinds, job.projected_kinds)
    return Prepared(placeholders, note, fragment, tuple(findings), kept)


def _load(
    source: Source, options: LoadOptions, stdin: bytes | None, reuse: ChunkReuse | None = None
) -> tuple[LoadedFile, FileOrigin | None]:
    if source.problem is not None:
        return _unreadable(source.display, source.problem), None
    try:
        raw = source.read(stdin, options.max_file_bytes)
    except TooLargeError as err:
        return too_large(source.display, err.size, options), None
    except OSError as err:
        return _unreadable(source.display, f"cannot read: {err.strerror}"), None
    if source.helm_template:
        options = LoadOptions(options.skip_kinds, options.max_file_bytes, helm_template=True)
    loaded = load_bytes(source.display, raw, options, reuse)
    origin = FileOrigin(source.display, source.real, raw, options)
    origin.hold({document.index: document.spans for document in loaded.documents})
    return loaded, origin


def _unreadable(path: str, reason: str) -> LoadedFile:
    from svclint.core.model import Span

    loaded = LoadedFile(path)
    loaded.stats.skipped_file = True
    loaded.problems.append(StructureProblem("unreadable-file", reason, Span.point(1, 1)))
    return loaded


def _fragment_note(resource: Resource) -> StructureProblem:
    return StructureProblem(
        "partial-object",
        f"Service {resource.name} has no spec.ports and looks like a patch (kustomize), so it is "
        "checked as one; lint it with its kustomization.yaml, or complete it",
        resource.locate(("kind",)),
        identity=f"partial:{resource.namespace}/{resource.name}",
    )


def _has_ignore_annotation(resource: Resource) -> bool:
    annotations = resource.get(("metadata", "annotations"))
    return isinstance(annotations, dict) and "svclint.io/ignore" in annotations


def input_findings(loaded: LoadedFile, rules_by_name: Mapping[str, ActiveRule]) -> Iterable[Finding]:
    for problem in loaded.problems:
        active = rules_by_name.get(problem.code)
        if active is None:
            continue  # that input rule is off
        yield make_finding(
            active.rule,
            active.severity,
            problem.message,
            Location(loaded.path, problem.span),
            loaded.path,
            (problem.identity or problem.message,),
            related=(Location(loaded.path, span, message) for span, message in problem.related),
        )


def settle(result: FileResult, shared: SharedValues, options: LoadOptions | None = None) -> None:
    """Make a result as economical as the run can keep it: its objects hold one copy of each value they share
    with the objects of the files read before (sharing.py); with `options`, the result crossed from a worker
    process and its origins get the run's load options back."""
    settled: set[int] = set()
    kept: list[Resource] = []
    for resource in result.kept:
        document = resource.document
        if id(document) not in settled:  # the items of a List share their document
            settled.add(id(document))
            document.data = shared.share(document.data)
            if options is not None and isinstance(document.origin, FileOrigin):
                document.origin.bind(options)
        data = get_in(document.data, resource.prefix)
        moved = isinstance(data, dict) and data is not resource.data
        kept.append(_with_document(resource, document, data) if moved else resource)
    result.kept = kept


# --- Compact copies -----------------------------------------------------------------------------------------


def compact(
    resource: Resource,
    origin: FileOrigin | None = None,
    whole_kinds: frozenset[str] | None = WHOLE_KINDS,
    projected_kinds: frozenset[str] | None = frozenset(),
) -> Resource | None:
    """The resource as the inventory and the cross-resource rules need it, or None when they do not. With an
    origin, the copy lets go of its spans and reads them again from the file if a finding needs them."""
    kind = resource.kind
    if whole_kinds is None or kind in whole_kinds or resource.synthetic_kind is not None:
        return _whole(resource, origin)
    if kind in WORKLOAD_KINDS:
        return _projected(resource, _workload_view(resource.data), origin)
    if kind == "HorizontalPodAutoscaler":
        spec = resource.data.get("spec")
        view = _pick(spec, ("scaleTargetRef", "minReplicas")) if isinstance(spec, dict) else {}
        return _projected(resource, {**_identity(resource.data), "spec": view}, origin)
    if is_rbac(resource):  # which service accounts run Ingress or Gateway controllers
        view = _pick(resource.data, ("rules", "roleRef", "subjects"))
        return _projected(resource, {**_identity(resource.data), **view}, origin)
    if "/" in resource.api_version:  # custom resources: operators' objects explain selectors by name and labels
        return _projected(resource, _identity(resource.data), origin)
    if projected_kinds is None or kind in projected_kinds:
        return _projected(resource, _identity(resource.data), origin)
    return None


def _whole(resource: Resource, origin: FileOrigin | None) -> Resource:
    if origin is None:
        return resource
    document = resource.document.without_spans(origin, resource.prefix)
    return _with_document(resource, document, resource.data)


def _with_document(resource: Resource, document: Document, data: dict[str, Any]) -> Resource:
    return Resource(
        document,
        resource.prefix,
        data,
        reported=resource.reported,
        partial=resource.partial,
        synthetic_kind=resource.synthetic_kind,
        synthetic_name=resource.synthetic_name,
    )


def _pick(mapping: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The entries of `mapping` whose keys are listed, in the mapping's own order (spans follow key order)."""
    wanted = set(keys)
    return {k: v for k, v in mapping.items() if k in wanted}


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    metadata = data.get("metadata")
    view = _pick(data, ("apiVersion", "kind"))
    if isinstance(metadata, dict):
        view["metadata"] = _pick(metadata, ("name", "generateName", "namespace", "labels"))
    return view


def _workload_view(data: dict[str, Any]) -> dict[str, Any]:
    view = _identity(data)
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return view if "spec" not in data else {**view, "spec": spec}
    spec_view = _pick(spec, ("replicas", "parallelism", "serviceName"))
    if "template" in spec:
        spec_view["template"] = _template_view(spec["template"])
    job = spec.get("jobTemplate")
    if isinstance(job, dict) and isinstance(job.get("spec"), dict):
        job_spec = job["spec"]
        job_view = _pick(job_spec, ("parallelism",))
        if "template" in job_spec:
            job_view["template"] = _template_view(job_spec["template"])
        spec_view["jobTemplate"] = {"spec": job_view}
    if data.get("kind") == "Pod":
        return {**view, "spec": _pod_spec_view(spec)}
    return {**view, "spec": spec_view}


def _template_view(template: Any) -> Any:
    if not isinstance(template, dict):
        return template
    view: dict[str, Any] = {}
    metadata = template.get("metadata")
    if isinstance(metadata, dict):
        view["metadata"] = _pick(metadata, ("labels",))
    if isinstance(template.get("spec"), dict):
        view["spec"] = _pod_spec_view(template["spec"])
    return view


_CONTAINER_FIELDS = ("name", "image", "ports", "restartPolicy")
_PORT_FIELDS = ("name", "containerPort", "protocol", "hostPort", "hostIP")
_DIGITS = re.compile(r"[0-9]+")


def _pod_spec_view(spec: dict[str, Any]) -> dict[str, Any]:
    # The node selection too: whether pods that take host ports can meet on a node.
    keys = ("serviceAccountName", "serviceAccount", "hostNetwork", "nodeSelector", "affinity")
    view: dict[str, Any] = _pick(spec, keys)
    if isinstance(view.get("affinity"), dict):
        view["affinity"] = _pick(view["affinity"], ("nodeAffinity",))
    for group in ("containers", "initContainers"):
        containers = spec.get(group)
        if isinstance(containers, list):
            view[group] = [_container_view(c) if isinstance(c, dict) else c for c in containers]
    return view


def _container_view(container: dict[str, Any]) -> dict[str, Any]:
    view = _pick(container, _CONTAINER_FIELDS)
    ports = view.get("ports")
    if isinstance(ports, list):
        view["ports"] = [_pick(p, _PORT_FIELDS) if isinstance(p, dict) else p for p in ports]
    # Of the command, args and env values the inventory only asks which numbers they name (`--port 18080`):
    # their runs of digits, kept as args, answer that.
    words = [*_words(container.get("command")), *_words(container.get("args"))]
    env = container.get("env")
    if isinstance(env, list):
        words.extend(_words([v.get("value") for v in env if isinstance(v, dict)]))
    numbers = [run for word in words for run in _DIGITS.findall(word)]
    if numbers:
        view["args"] = numbers
    return view


def _words(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [str(v) for v in values if isinstance(v, (str, int)) and not isinstance(v, bool)]


def _projected(resource: Resource, view: dict[str, Any], origin: FileOrigin | None) -> Resource:
    """A copy of the resource with only `view`: with an origin, spans are read again when needed; without, it
    keeps the spans of the fields in the view."""
    source = resource.document
    prefix = resource.prefix
    if origin is not None:
        document = source.without_spans(origin, prefix)
        document.data = _rebuild(view, prefix)
        return _with_document(resource, document, view)
    spans = {path: source.spans[path] for path in _ancestors(prefix) if path in source.spans}
    for path in _paths(view, prefix):
        entry = source.spans.get(path)
        if entry is not None:
            spans[path] = entry
    return _with_document(resource, Document(source.path, source.index, _rebuild(view, prefix), spans), view)


def _ancestors(prefix: FieldPath) -> Iterable[FieldPath]:
    return (prefix[:cut] for cut in range(len(prefix) + 1))


def _paths(value: Any, path: FieldPath) -> Iterable[FieldPath]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _rebuild(view: dict[str, Any], prefix: FieldPath) -> Any:
    """The document data around a projected List item: only the path down to it (spans use document paths)."""
    data: Any = view
    for part in reversed(prefix):
        data = {part: data} if isinstance(part, str) else [None] * part + [data]
    return data
