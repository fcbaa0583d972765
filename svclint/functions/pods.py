"""Which pods a Service selects, asked of the inventory: the checks behind selectors and traffic policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, TypedDict, TypeVar

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.core.similarity import edit_distance, near
from svclint.engine.api import (
    ANY_VALUE,
    CheckContext,
    CheckFunction,
    NoOptions,
    Related,
    Target,
    Violation,
    register,
)
from svclint.input.document import Resource
from svclint.inventory.evidence import indirect_evidence, operator_object, operator_running, written_apart
from svclint.inventory.index import Inventory, PodTemplate, nearest_scope

SELECTOR_PATH: FieldPath = ("spec", "selector")
# The closest-label hint compares the selector with at most this many pod templates, the nearest first: a
# hint, whose cost must not grow with the size of the repository.
HINT_LIMIT = 256


class Diagnosis(Struct, frozen=True):
    reason: str
    related: tuple[Related, ...]
    hinted: bool = True  # names a likely cause (a slip, another namespace), not only that nothing matches


Expectation = Literal["pods", "running", "spread"]
OptionsT = TypeVar("OptionsT", bound=Mapping[str, Any])

_LOOKUP = (
    "Looks up the pod templates the Service's spec.selector matches in its namespace{wants}. Silent when the run "
    "holds no workload in the namespace, unless pod templates in other namespaces (with metadata.namespace set) "
    "carry the selector's labels. Silent when an operator's object in the namespace is labelled like the "
    "selector or named by one of its values."
)


class _SelectedPodsCheck(CheckFunction[OptionsT, OptionsT]):
    """The pod templates a Service's selector matches, against what one rule expects of them."""

    expect: ClassVar[Expectation]
    provides = frozenset({"reason", "selector"})
    accepts = ANY_VALUE  # it judges the Service's selector, whatever the rule points at
    needs_inventory = True

    def check(self, target: Target, options: OptionsT, context: CheckContext) -> Iterable[Violation]:
        return selected_pods_violations(target, context, self.expect, options.get("evidence") == "indirect")


class SelectorMatchesPodsOptions(TypedDict, total=False):
    evidence: Literal["direct", "indirect"]


@register
class SelectorMatchesPods(_SelectedPodsCheck[SelectorMatchesPodsOptions]):
    name = "selectorMatchesPods"
    description = _LOOKUP.format(wants=": at least one must") + (
        " `evidence: direct` (the default) reports only what the manifests prove; `evidence: indirect` reports, "
        "instead, a selector that matches nothing but has indirect evidence of its pods: a workload that is the "
        "only one in the namespace to declare the Service's named targetPort, pods that carry every label but keys "
        "no manifest sets (labels added at run time), an operator's object in another namespace."
    )
    options_schema = {
        "type": "object",
        "properties": {"evidence": {"enum": ["direct", "indirect"]}},
        "additionalProperties": False,
    }
    expect = "pods"


@register
class SelectedPodsRunning(_SelectedPodsCheck[NoOptions]):
    name = "selectedPodsRunning"
    description = _LOOKUP.format(wants=": at least one must, with replicas above zero (or none set)")
    expect = "running"


@register
class SelectedPodsSpread(_SelectedPodsCheck[NoOptions]):
    name = "selectedPodsSpread"
    description = _LOOKUP.format(
        wants=": their pods must run on more than one node (a DaemonSet, or two replicas or more); silent when "
        "no selected template has replicas above zero"
    )
    expect = "spread"


def selected_pods_violations(
    target: Target, context: CheckContext, expect: Expectation, indirect_only: bool
) -> Iterable[Violation]:
    service = context.resource
    selector = service.get(SELECTOR_PATH)
    if not isinstance(selector, dict) or not selector:
        return  # no selector: endpoints are managed by hand (or ExternalName)
    view = SelectorView.of(context.inventory, service, selector)
    if view is None:
        return  # no evidence either way
    if expect == "spread" and not any(_runs(t) for t in view.matched):
        return  # no pods at all: the selector and traffic-policy rules say so
    if not view.matched:
        yield from _unmatched(view, target, indirect_only)
    elif expect != "pods" and not indirect_only:
        yield from _too_few_pods(view, expect)


class SelectorView(Struct, frozen=True):
    """A Service's selector and what the run shows of the pod templates it might select."""

    inventory: Inventory
    service: Resource
    selector: Mapping[str, Any]
    matched: list[PodTemplate]
    present: bool  # the Service's own project has workloads in its namespace: evidence that pods are missing

    @classmethod
    def of(cls, inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> SelectorView | None:
        """None when the run shows nothing to judge the selector by."""
        namespace = service.namespace
        has_any = inventory.has_workloads(namespace)
        matched = inventory.matching_templates(namespace, selector, near=service.path) if has_any else []
        # Only the workloads of the Service's own project are evidence that its pods are missing.
        present = has_any and inventory.has_workloads_near(namespace, service.path)
        if not matched and not present and not _only_elsewhere(inventory, service, selector):
            return None
        return cls(inventory, service, selector, matched, present)

    def violation(self, reason: str, related: tuple[Related, ...]) -> Violation:
        return Violation(variables={"selector": _render_selector(self.selector), "reason": reason}, related=related)

    @property
    def selector_related(self) -> Related:
        return Related(self.service, SELECTOR_PATH, "the selector")


def _runs(template: PodTemplate) -> bool:
    return template.replicas is None or template.replicas > 0


def _unmatched(view: SelectorView, target: Target, indirect_only: bool) -> Iterable[Violation]:
    """The selector matches no pod template: why, unless something in view suggests its pods exist anyway."""
    inventory, service, selector = view.inventory, view.service, view.selector
    if operator_object(inventory, service.namespace, selector) is not None:
        return  # its operator makes the pods
    indirect = indirect_evidence(inventory, service, selector) if view.present else None
    diagnosis = diagnose(inventory, service, selector) if indirect is None else None
    if diagnosis is not None and not diagnosis.hinted and view.present:
        # Nothing near resembles the selector: pods that an operator of the project makes, or that the
        # Service was written for apart from the workloads in view.
        indirect = operator_running(inventory, service) or written_apart(inventory, service)
    if indirect_only:
        if indirect is not None:
            yield view.violation(indirect.reason, indirect.related)
        return
    if indirect is not None or diagnosis is None:
        return
    related = diagnosis.related
    if target.path != SELECTOR_PATH:
        related = (view.selector_related, *related)
    yield view.violation(diagnosis.reason, related)


def _too_few_pods(view: SelectorView, expect: Expectation) -> Iterable[Violation]:
    """Pod templates match: `running` wants one with replicas, `spread` more than one pod."""
    running = [t for t in view.matched if _runs(t)]
    if not running:
        scaled = ", ".join(f"{t.describe()} has replicas: 0" for t in view.matched)
        related = tuple(_replicas_related(t) for t in view.matched)
        yield view.violation(f"it selects only workloads scaled to zero ({scaled})", (view.selector_related, *related))
        return
    if expect == "running" or any(t.per_node for t in running):
        return  # a DaemonSet: a pod on every node
    if sum(t.replicas or 0 for t in running) == 1:
        only = running[0]
        reason = f"a single pod backs it ({only.describe()}, replicas: 1)"
        yield view.violation(reason, (view.selector_related, _replicas_related(only)))


def _replicas_related(template: PodTemplate) -> Related:
    resource = template.resource
    path: FieldPath = ("spec", "replicas") if resource.get(("spec", "replicas")) is not None else ()
    return Related(resource, path or ("metadata", "name"), f"{template.describe()}")


def _only_elsewhere(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> bool:
    """Pod templates that carry every label of the selector in another namespace that their manifest names: then
    a namespace without workloads is evidence, not a gap in the view. Not when a kustomization of the run sets
    the Service's namespace: where it runs is not in its manifest."""
    if inventory.kustomized.covers(service.path):
        return False
    elsewhere = inventory.matching_elsewhere(service.namespace, selector, near=service.path)
    return any(inventory.namespace_known(t.resource) for t in elsewhere)


def diagnose(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Diagnosis:
    """Why nothing matches. Remembered per namespace and selector: copies of a Service share the answer."""
    key = (
        "diagnose",
        service.namespace,
        service.path,
        _namespace_note(service),
        tuple(sorted((k, str(v)) for k, v in selector.items())),
    )
    cached = inventory.memo.get(key)
    if cached is None:
        cached = inventory.memo[key] = _diagnose(inventory, service, selector)
    assert isinstance(cached, Diagnosis)
    return cached


def _diagnose(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Diagnosis:
    """The classic slips first, then the closest pod template."""
    namespace = service.namespace
    for template in inventory.labelled_itself(namespace, selector)[:1]:
        return Diagnosis(
            f"it matches the metadata.labels of {template.describe()}, but a Service selects pods, "
            f"whose labels come from {_dotted(template.labels_path)}",
            (
                Related(template.resource, ("metadata", "labels"), f"labels of {template.describe()} itself"),
                Related(template.resource, template.labels_path, "the pod template's labels"),
            ),
        )
    elsewhere = inventory.matching_elsewhere(namespace, selector, near=service.path)
    if elsewhere:
        other = nearest_scope(elsewhere, service.path)[0]
        where = _namespace_note(service)
        namespaces = sorted({t.resource.namespace for t in elsewhere})
        also = f" (pods of namespaces {', '.join(namespaces)} match it)" if len(namespaces) > 1 else ""
        return Diagnosis(
            f"no pod template in namespace {namespace}{where} matches it; {other.describe()} in namespace "
            f"{other.resource.namespace} does{also}, but a Service selects pods in its own namespace only",
            (Related(other.resource, other.labels_path, f"pod labels of {other.describe()}"),),
        )
    near = _closest(inventory.near_templates(namespace, service.path)[:HINT_LIMIT], selector)
    if near is not None:
        template, key, label_key = near
        have = template.labels.get(label_key)
        path = (*template.labels_path, label_key)
        wanted = f"{key}: {selector[key]}"
        hint = f"{template.describe()} has {label_key}: {have} where the selector wants {wanted}"
        return Diagnosis(
            f"no pod template in namespace {namespace} has all of its labels; closest: {hint}",
            (Related(template.resource, path, f"pod label of {template.describe()}"),),
        )
    return Diagnosis(
        f"no pod template in namespace {namespace}{_namespace_note(service)} has these labels", (), hinted=False
    )


def _namespace_note(service: Resource) -> str:
    return "" if _namespace_given(service) else " (no metadata.namespace: default assumed)"


def _namespace_given(resource: Resource) -> bool:
    metadata = resource.data.get("metadata")
    return isinstance(metadata, dict) and bool(metadata.get("namespace"))


def _closest(templates: Iterable[PodTemplate], selector: Mapping[str, Any]) -> tuple[PodTemplate, str, str] | None:
    """The template that differs from the selector in exactly one label, by the smallest slip of its key or value.

    A slip is a small edit (`fronted` for `frontend`) or one string containing the other (`api-server`, `api`);
    templates that differ by more are not worth naming.
    """
    best: tuple[int, PodTemplate, str, str] | None = None
    for template in templates:
        missing = [k for k, v in selector.items() if str(template.labels.get(k, "\0")) != str(v)]
        if len(missing) != 1:
            continue
        key = missing[0]
        wanted = str(selector[key])
        candidates: list[tuple[str, str, str]] = []  # (label key, compared text, wanted text)
        if key in template.labels:
            candidates.append((key, str(template.labels[key]), wanted))
        candidates.extend(
            (label_key, label_key, key)
            for label_key, label_value in template.labels.items()
            if label_key not in selector and str(label_value) == wanted
        )
        for label_key, have, want in candidates:
            score = _slip(have, want)
            if score is not None and (best is None or score < best[0]):
                best = (score, template, key, label_key)
    return None if best is None else best[1:]


def _slip(have: str, want: str) -> int | None:
    if abs(len(have) - len(want)) <= max(1, min(len(have), len(want)) // 4) and near(have, want):
        return edit_distance(have, want)
    if have and want and (have in want or want in have):
        return abs(len(have) - len(want)) + 1
    return None


def _render_selector(selector: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in selector.items())


def _dotted(path: FieldPath) -> str:
    return ".".join(str(p) for p in path)
