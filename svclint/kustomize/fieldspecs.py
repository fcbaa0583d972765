"""Where kustomize's built-in transformers write, as its field specs say (api/internal/konfig/builtinpluginconsts):
a path of mapping keys through which lists are crossed item by item, for the kinds (and API groups) named,
and whether a missing field is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.kustomize.objects import BuiltObject
from svclint.kustomize.provenance import Origin


class FieldSpec(Struct, frozen=True):
    path: tuple[str, ...]
    kinds: frozenset[str] | None = None  # None: every kind
    group: str | None = None  # None: any API group
    create: bool = False

    def applies(self, built: BuiltObject) -> bool:
        if self.kinds is not None and built.kind not in self.kinds:
            return False
        return self.group is None or built.group == self.group


def spec(path: str, *kinds: str, group: str | None = None, create: bool = False) -> FieldSpec:
    return FieldSpec(tuple(path.split("/")), frozenset(kinds) if kinds else None, group, create)


def targets(built: BuiltObject, field: FieldSpec, origin: Origin | None = None) -> Iterator[FieldPath]:
    """The paths of the mappings (or scalars) the field spec names in the object; lists on the way are crossed
    item by item, and missing mappings are made when the spec says so (the last step included), as written by
    `origin`."""
    yield from _walk(built, built.data, (), field.path, field.create and origin)


def _walk(
    built: BuiltObject, node: object, at: FieldPath, rest: tuple[str, ...], create: Origin | bool | None
) -> Iterator[FieldPath]:
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(built, item, (*at, index), rest, create)
        return
    if not rest:
        yield at
        return
    if not isinstance(node, dict):
        return
    key = rest[0]
    if key not in node or node[key] is None:
        if not isinstance(create, Origin):
            return
        node[key] = {}
        built.origins.record((*at, key), create)
    yield from _walk(built, node[key], (*at, key), rest[1:], create)


def each_target(
    objects: list[BuiltObject],
    specs: tuple[FieldSpec, ...],
    visit: Callable[[BuiltObject, FieldPath], None],
    origin: Origin | None = None,
) -> None:
    for built in objects:
        for field in specs:
            if field.applies(built):
                for path in list(targets(built, field, origin)):
                    visit(built, path)


_TEMPLATED = ("Deployment", "ReplicaSet", "DaemonSet")

METADATA_LABELS = (spec("metadata/labels", create=True),)


def _templates(field: str) -> tuple[FieldSpec, ...]:
    """The pod templates' metadata of each workload kind (and a CronJob's job template): `labels` or
    `annotations`."""
    return (
        spec(f"spec/template/metadata/{field}", "ReplicationController", create=True),
        *(spec(f"spec/template/metadata/{field}", kind, create=True) for kind in _TEMPLATED),
        spec(f"spec/template/metadata/{field}", "StatefulSet", group="apps", create=True),
        spec(f"spec/template/metadata/{field}", "Job", group="batch", create=True),
        spec(f"spec/jobTemplate/metadata/{field}", "CronJob", group="batch", create=True),
        spec(f"spec/jobTemplate/spec/template/metadata/{field}", "CronJob", group="batch", create=True),
    )


TEMPLATE_LABELS = _templates("labels")

_AFFINITY = (
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/"
    "labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/"
    "labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/"
    "matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
)

SELECTORS = (
    spec("spec/selector", "Service", create=True),
    spec("spec/selector", "ReplicationController", create=True),
    spec("spec/selector/matchLabels", "Deployment", create=True),
    spec("spec/selector/matchLabels", "ReplicaSet", create=True),
    spec("spec/selector/matchLabels", "DaemonSet", create=True),
    spec("spec/selector/matchLabels", "StatefulSet", group="apps", create=True),
    spec("spec/volumeClaimTemplates/metadata/labels", "StatefulSet", group="apps", create=True),
    *(spec(path, "Deployment", group="apps") for path in _AFFINITY),
    *(spec(path, "StatefulSet", group="apps") for path in _AFFINITY),
    spec("spec/selector/matchLabels", "Job", group="batch"),
    spec("spec/jobTemplate/spec/selector/matchLabels", "CronJob", group="batch"),
    spec("spec/selector/matchLabels", "PodDisruptionBudget", group="policy"),
    spec("spec/podSelector/matchLabels", "NetworkPolicy", group="networking.k8s.io"),
    spec("spec/ingress/from/podSelector/matchLabels", "NetworkPolicy", group="networking.k8s.io"),
    spec("spec/egress/to/podSelector/matchLabels", "NetworkPolicy", group="networking.k8s.io"),
)

# commonLabels, and `labels` with includeSelectors: everywhere a label of the object's pods is named.
COMMON_LABELS = (*SELECTORS, *METADATA_LABELS, *TEMPLATE_LABELS)

COMMON_ANNOTATIONS = (spec("metadata/annotations", create=True), *_templates("annotations"))

# The fields that hold the name of a Service, rewritten when a prefix or suffix renames it (nameReference).
SERVICE_REFERENCES = (
    spec("spec/serviceName", "StatefulSet", group="apps"),
    spec("spec/rules/http/paths/backend/serviceName", "Ingress"),
    spec("spec/backend/serviceName", "Ingress"),
    spec("spec/rules/http/paths/backend/service/name", "Ingress"),
    spec("spec/defaultBackend/service/name", "Ingress"),
    spec("spec/service/name", "APIService", group="apiregistration.k8s.io"),
    spec("webhooks/clientConfig/service/name", "ValidatingWebhookConfiguration", group="admissionregistration.k8s.io"),
    spec("webhooks/clientConfig/service/name", "MutatingWebhookConfiguration", group="admissionregistration.k8s.io"),
    spec("spec/rules/backendRefs/name", "HTTPRoute"),
)
# ... and of a workload, in an autoscaler.
SCALED_KINDS = frozenset({"Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"})
WORKLOAD_REFERENCES = (spec("spec/scaleTargetRef/name", "HorizontalPodAutoscaler"),)
