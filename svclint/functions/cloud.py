"""Cloud load balancers: who can reach one (the internet, or only the VPC) as the provider's controller decides
from the Service's annotations, and whether what a public one exposes is sensitive.

The facts about each provider are data (`rules/tables/load-balancer-annotations.yaml`, passed in as an option);
this module only reads them the way the controllers do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict

from msgspec import Struct

from svclint.engine.api import CheckContext, CheckFunction, Condition, Target, Violation, compile_conditions, register
from svclint.k8s.validation import parse_network

INTERNAL, PUBLIC, ERROR, UNKNOWN, IGNORED = "internal", "public", "error", "unknown", "ignored"
RESTRICTED = "restricted"  # a provider annotation admits only listed clients

_CONDITIONS = {"type": "array", "items": {"type": "object"}}
_VALUES = {"type": "array", "items": {"type": "string"}}
_TEXT = {"type": "string"}
_PORTS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 65535}}


def _rows(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    """The JSON Schema of a table: a list of objects with these columns."""
    row = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"type": "array", "items": {**row, **extra}}


ANNOTATION_TABLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "annotations": _rows(
            {
                "provider": _TEXT,
                "annotation": _TEXT,
                "when": _CONDITIONS,
                "internal": _VALUES,
                "public": _VALUES,
                "otherValues": {"enum": [INTERNAL, PUBLIC, ERROR, UNKNOWN]},
                "ignored": {"type": "boolean"},
                "misleading": _VALUES,
                "reads": _TEXT,
                "source": _TEXT,
            },
            ["provider", "annotation", "internal", "public", "otherValues", "reads", "source"],
        ),
        "restrictions": _rows(
            {
                "provider": _TEXT,
                "annotation": _TEXT,
                "prefixes": _VALUES,
                "openValues": _VALUES,
                "reads": _TEXT,
                "source": _TEXT,
            },
            ["provider", "annotation", "reads", "source"],
        ),
        "defaults": _rows(
            {
                "provider": _TEXT,
                "when": _CONDITIONS,
                "exposure": {"enum": [INTERNAL, PUBLIC, UNKNOWN]},
                "reads": _TEXT,
                "source": _TEXT,
            },
            ["provider", "exposure", "reads", "source"],
        ),
    },
    "required": ["annotations"],
    "additionalProperties": False,
}


class AnnotationEntry(Struct, frozen=True):
    """One row of the table: how one provider's controller reads one annotation."""

    provider: str
    annotation: str
    when: tuple[Condition, ...]
    internal: tuple[str, ...]
    public: tuple[str, ...]
    other_values: str
    ignored: bool
    reads: str
    misleading: tuple[str, ...] | None  # None: every other value is reported

    def reports(self, value: str) -> bool:
        """A value outside the accepted ones is worth a finding, unless the table lists the few that mislead."""
        return self.misleading is None or value in self.misleading

    def applies(self, data: Any, partial: bool) -> bool:
        return all(condition.evaluate(data, partial) is True for condition in self.when)

    def outcome(self, value: Any) -> str:
        if not isinstance(value, str):
            return UNKNOWN  # annotations are strings: the API server refuses anything else (a type finding)
        if self.ignored:
            return IGNORED
        if value in self.internal:
            return INTERNAL
        if value in self.public:
            return PUBLIC
        return self.other_values

    def accepted(self) -> str:
        return ", ".join(f'"{value}"' for value in (*self.internal, *self.public) if value)


class Restriction(Struct, frozen=True):
    """A provider annotation that admits only listed clients, as loadBalancerSourceRanges does."""

    annotation: str
    prefixes: tuple[str, ...]  # item prefixes to drop before reading a CIDR ("cidr:" for DigitalOcean)
    open_values: frozenset[str]  # items that admit everyone (Azure's "Internet" service tag)

    def restricts(self, value: Any) -> bool:
        if not isinstance(value, str) or not value.strip():
            return False
        for item in (part.strip() for part in value.split(",")):
            for prefix in self.prefixes:
                item = item.removeprefix(prefix)
            network = parse_network(item)
            if item in self.open_values or (network is not None and network.prefixlen == 0):
                return False
        return True


class ProviderDefault(Struct, frozen=True):
    provider: str
    when: tuple[Condition, ...]
    exposure: str


class AnnotationTable(Struct, frozen=True):
    entries: tuple[AnnotationEntry, ...]
    defaults: tuple[ProviderDefault, ...]
    restrictions: tuple[Restriction, ...] = ()

    @classmethod
    def from_options(cls, table: Mapping[str, Any]) -> AnnotationTable:
        entries = tuple(
            AnnotationEntry(
                provider=row["provider"],
                annotation=row["annotation"],
                when=compile_conditions(row.get("when", [])),
                internal=tuple(row["internal"]),
                public=tuple(row["public"]),
                other_values=row["otherValues"],
                ignored=bool(row.get("ignored", False)),
                reads=" ".join(row["reads"].split()),
                misleading=tuple(row["misleading"]) if "misleading" in row else None,
            )
            for row in table["annotations"]
        )
        defaults = tuple(
            ProviderDefault(row["provider"], compile_conditions(row.get("when", [])), row["exposure"])
            for row in table.get("defaults", [])
        )
        restrictions = tuple(
            Restriction(row["annotation"], tuple(row.get("prefixes", ())), frozenset(row.get("openValues", ())))
            for row in table.get("restrictions", [])
        )
        return cls(entries, defaults, restrictions)

    def exposure(self, data: Any, partial: bool = False) -> str:
        """`restricted` when a provider annotation admits only listed clients, `internal` when some provider's
        controller would make the load balancer internal, `unknown` when one would refuse the Service or decides
        from settings not in view, `public` otherwise."""
        annotations = _annotations(data)
        if any(r.restricts(annotations.get(r.annotation)) for r in self.restrictions):
            return RESTRICTED
        decided: dict[str, str] = {}
        for entry in self.entries:
            if entry.provider in decided or entry.annotation not in annotations or not entry.applies(data, partial):
                continue
            outcome = entry.outcome(annotations[entry.annotation])
            if outcome != IGNORED:
                decided[entry.provider] = outcome
        for default in self.defaults:
            if default.provider not in decided and all(c.evaluate(data, partial) is True for c in default.when):
                decided[default.provider] = default.exposure
        outcomes = set(decided.values())
        if INTERNAL in outcomes:
            return INTERNAL
        if outcomes & {ERROR, UNKNOWN}:
            return UNKNOWN
        return PUBLIC


def _annotations(data: Any) -> Mapping[str, Any]:
    metadata = data.get("metadata") if isinstance(data, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return annotations if isinstance(annotations, dict) else {}


class SensitiveEntry(Struct, frozen=True):
    what: str
    reason: str
    ports: frozenset[int]
    names: frozenset[str]
    # Words of the product's container images: a port number that other software uses too names the product
    # only when no image of the selected pods in view says otherwise.
    images: frozenset[str] = frozenset()

    def contradicted_by(self, images: Sequence[str] | None) -> bool:
        """Whether the selected pods' images, when in view, show other software than this product."""
        if not self.images or not images:
            return False
        return not any(word in image.lower() for image in images for word in self.images)


class PortPolicy(Struct, frozen=True):
    """Which ports of a public load balancer deserve a warning: those listed as sensitive (by port, target port,
    name or appProtocol), and any port that is not a web port."""

    sensitive: tuple[SensitiveEntry, ...]
    web_ports: frozenset[int]
    web_protocols: frozenset[str]
    other_reason: str

    def judge(self, port: Mapping[str, Any], images: Sequence[str] | None = None) -> tuple[str, str] | None:
        """(what, reason) for a port worth a warning, None for a web port. `images`: the container images of the
        Service's selected pods, when in view."""
        for entry in self.sensitive:
            evidence = _evidence(entry, port, by_number=not entry.contradicted_by(images))
            if evidence:
                return evidence, entry.reason
        if port.get("port") in self.web_ports and _is_port(port.get("port")):
            return None
        # The container port a named targetPort resolves to is declared by the workload's author (`http-server`).
        declared = {_first_word(port.get("name")), _first_word(port.get("targetPort")), _lower(port.get("appProtocol"))}
        if declared & self.web_protocols:
            return None
        return "a non-web port", self.other_reason


def _evidence(entry: SensitiveEntry, port: Mapping[str, Any], by_number: bool = True) -> str:
    """How the port is tied to the entry, for the message: a port number is a guess, a name a declaration."""
    number, target = port.get("port"), port.get("targetPort")
    if by_number and _is_port(number) and number in entry.ports:
        return f"the usual port of {entry.what}"
    if by_number and _is_port(target) and target in entry.ports:
        return f"forwarded to {target}, the usual port of {entry.what}"
    for label, value, words in (
        ("named", port.get("name"), _words(port.get("name"))),
        ("forwarded to", target, _words(target)),
        ("with appProtocol", port.get("appProtocol"), _protocol_words(port.get("appProtocol"))),
    ):
        if entry.names & words:
            return f'{label} "{value}" ({entry.what})'
    return ""


def selected_images(context: CheckContext) -> list[str] | None:
    """The container images of the pods the Service selects, when the run holds them; None when not in view."""
    service = context.resource
    selector = service.get(("spec", "selector"))
    if not isinstance(selector, dict) or not selector:
        return None
    inventory = context.inventory
    key = ("selected images", service.namespace, service.path, tuple(sorted(map(str, selector.items()))))
    if key not in inventory.memo:
        images: list[str] = []
        for template in inventory.matching_templates(service.namespace, selector, near=service.path):
            spec = template.resource.get((*template.template_path, "spec"))
            for group in ("containers", "initContainers"):
                containers = spec.get(group) if isinstance(spec, dict) else None
                for container in containers if isinstance(containers, list) else ():
                    image = container.get("image") if isinstance(container, dict) else None
                    if isinstance(image, str):
                        images.append(image)
        inventory.memo[key] = images or None
    found = inventory.memo[key]
    return found if isinstance(found, list) else None


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _lower(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


def _words(value: Any) -> set[str]:
    """`tcp-postgres` -> {tcp, postgres}: port names follow `<protocol>[-<suffix>]` (Istio) or `<app>-<role>`."""
    return {word for word in _lower(value).replace("_", "-").split("-") if word}


def _first_word(value: Any) -> str:
    words = _lower(value).split("-", 1)
    return words[0]


def _protocol_words(value: Any) -> set[str]:
    """appProtocol `postgresql` or `example.com/redis`: the protocol's own name, as a word."""
    text = _lower(value)
    return {text, text.rsplit("/", 1)[-1]} - {""}


SENSITIVE_SCHEMA = _rows(
    {
        "what": _TEXT,
        "reason": _TEXT,
        "ports": _PORTS,
        "names": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9]+$"}},
        "images": {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9-]+$"}},
    },
    ["what", "reason"],
    anyOf=[{"required": ["ports"]}, {"required": ["names"]}],
)


class _AnnotationsTable(TypedDict):
    annotations: dict[str, Any]  # the table's own schema, ANNOTATION_TABLE_SCHEMA, checks its columns


class PublicLoadBalancerOptions(_AnnotationsTable, total=False):
    sensitive: list[dict[str, Any]]
    webPorts: list[int]
    webProtocols: list[str]
    otherReason: str


@register
class PublicLoadBalancer(CheckFunction[PublicLoadBalancerOptions, tuple[AnnotationTable, PortPolicy | None]]):
    name = "publicLoadBalancer"
    description = (
        "The Service's load balancer is public: no provider's controller, read through the `annotations` table "
        "(`{{params.tables.loadBalancerAnnotations}}`), would make it internal, refuse it, or decide from "
        "settings outside the manifests. Judging `spec.type`, that is the finding. Judging a port, with "
        "`sensitive`, `webPorts` and `webProtocols`, the port must also be sensitive (a listed port number, "
        "target port, name word or appProtocol) or not a web port (a port number in `webPorts`, or a name or "
        "appProtocol whose protocol is in `webProtocols`, or a named targetPort whose first word is). An entry's "
        "`images` words let the selected pods' container images, when in view, overrule a guess by port number: "
        "50051 is Weaviate's port only if no image shows other software."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "annotations": ANNOTATION_TABLE_SCHEMA,
            "sensitive": SENSITIVE_SCHEMA,
            "webPorts": _PORTS,
            "webProtocols": {"type": "array", "items": {"type": "string"}},
            "otherReason": {"type": "string"},
        },
        "required": ["annotations"],
        "dependentRequired": {"sensitive": ["webPorts", "webProtocols", "otherReason"]},
        "additionalProperties": False,
    }
    provides = frozenset({"what", "reason", "port"})
    needs_inventory = True

    def prepare(self, options: PublicLoadBalancerOptions) -> tuple[AnnotationTable, PortPolicy | None]:
        policy = None
        if "sensitive" in options:
            policy = PortPolicy(
                sensitive=tuple(
                    SensitiveEntry(
                        entry["what"],
                        " ".join(entry["reason"].split()),
                        frozenset(entry.get("ports", ())),
                        frozenset(entry.get("names", ())),
                        frozenset(entry.get("images", ())),
                    )
                    for entry in options["sensitive"]
                ),
                web_ports=frozenset(options["webPorts"]),
                web_protocols=frozenset(protocol.lower() for protocol in options["webProtocols"]),
                other_reason=" ".join(options["otherReason"].split()),
            )
        return AnnotationTable.from_options(options["annotations"]), policy

    def check(
        self, target: Target, options: tuple[AnnotationTable, PortPolicy | None], context: CheckContext
    ) -> Iterable[Violation]:
        table, policy = options
        resource = context.resource
        if table.exposure(resource.data, resource.partial) != PUBLIC:
            return
        if policy is None:
            yield Violation()
            return
        port = target.value
        if not isinstance(port, dict):
            return
        verdict = policy.judge(port, selected_images(context))
        if verdict is not None:
            number = port.get("port")
            yield Violation(variables={"what": verdict[0], "reason": verdict[1], "port": number})


@register
class LoadBalancerAnnotations(CheckFunction[_AnnotationsTable, AnnotationTable]):
    name = "loadBalancerAnnotations"
    description = (
        "Each annotation of the `annotations` table (`{{params.tables.loadBalancerAnnotations}}`) that the "
        "Service carries, where its provider's controller reads it, has a value the controller accepts; an "
        "annotation that asks for an internal load balancer is on a LoadBalancer Service and is read by the "
        "controller that handles it. Judges `metadata.annotations`; reports at the annotation's value."
    )
    options_schema = {
        "type": "object",
        "properties": {"annotations": ANNOTATION_TABLE_SCHEMA},
        "required": ["annotations"],
        "additionalProperties": False,
    }
    provides = frozenset({"annotation", "item", "provider", "problem"})

    accepts = frozenset({"mapping"})  # metadata.annotations

    def prepare(self, options: _AnnotationsTable) -> AnnotationTable:
        return AnnotationTable.from_options(options["annotations"])

    def check(self, target: Target, options: AnnotationTable, context: CheckContext) -> Iterable[Violation]:
        table = options
        annotations: dict[str, Any] = target.value
        resource = context.resource
        spec = resource.data.get("spec")
        service_type = spec.get("type") if isinstance(spec, dict) else None
        if service_type is None and resource.partial:
            service_type = "LoadBalancer"  # a patch: the type comes from the object it patches; judge values only
        reported: set[str] = set()
        for entry in table.entries:
            value = annotations.get(entry.annotation)
            if not isinstance(value, str) or entry.annotation in reported:
                continue
            if not entry.applies(resource.data, resource.partial):
                continue
            problem = _problem(entry, value, service_type or "ClusterIP")
            if problem:
                reported.add(entry.annotation)
                yield Violation(
                    path=(*target.path, entry.annotation),
                    variables={
                        "annotation": entry.annotation,
                        "item": value,
                        "provider": entry.provider,
                        "problem": problem,
                    },
                    identity=entry.annotation,
                )


_CONSEQUENCE = {
    PUBLIC: "the load balancer is public",
    INTERNAL: "the load balancer is internal",
    ERROR: "no load balancer is created",
    UNKNOWN: "whether the load balancer is internal is not known from the manifests",
}


def _problem(entry: AnnotationEntry, value: str, service_type: str) -> str:
    if service_type != "LoadBalancer":
        if value in entry.internal:
            return (
                f"asks {entry.provider} for an internal load balancer, but spec.type is {service_type}: no load "
                "balancer is created and the annotation does nothing"
            )
        return ""
    if entry.ignored:
        return f"{entry.reads}" if value in entry.internal else ""
    outcome = entry.outcome(value)
    if value in entry.internal or value in entry.public or not entry.reports(value):
        return ""
    folded = [known for known in (*entry.internal, *entry.public) if known and known.lower() == value.lower()]
    hint = f' (did you mean "{folded[0]}"? case matters)' if folded else ""
    return (
        f"not a value {entry.provider} accepts ({entry.accepted()}){hint}: {entry.reads}; here {_CONSEQUENCE[outcome]}"
    )
