"""The built-in transformers of one kustomization, applied to the objects its build has gathered so far:
`namespace`, `namePrefix`/`nameSuffix` (with the name references kustomize rewrites), `commonLabels`, `labels`,
`commonAnnotations` and `replicas`. Each value they write is located at the kustomization line that says so.
"""

from __future__ import annotations

from typing import Any

from svclint.core.model import FieldPath
from svclint.input.document import label_text
from svclint.kustomize.fieldspecs import (
    COMMON_ANNOTATIONS,
    COMMON_LABELS,
    METADATA_LABELS,
    SCALED_KINDS,
    SERVICE_REFERENCES,
    TEMPLATE_LABELS,
    WORKLOAD_REFERENCES,
    FieldSpec,
    each_target,
)
from svclint.kustomize.objects import BuiltObject, get_path
from svclint.kustomize.provenance import Origin
from svclint.kustomize.tree import Kustomization

# Kinds without a namespace (the built-in ones kustomize knows from the OpenAPI schema): the namespace
# transformer leaves their metadata alone.
CLUSTER_SCOPED = frozenset(
    {"Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
     "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "APIService",
     "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
     "ValidatingAdmissionPolicyBinding", "PodSecurityPolicy", "CertificateSigningRequest", "VolumeAttachment",
     "ComponentStatus", "GatewayClass", "ClusterIssuer"}
)  # fmt: skip
# Kinds whose name a prefix or suffix leaves alone (kustomize's prefixSuffixFieldSpecsToSkip).
NOT_RENAMED = frozenset({"CustomResourceDefinition", "APIService", "Namespace"})
_WEBHOOKS = frozenset({"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"})


def set_namespace(objects: list[BuiltObject], kustomization: Kustomization) -> None:
    namespace = kustomization.data.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        return
    origin = kustomization.origin(("namespace",))
    for built in objects:
        kind = built.kind
        if kind not in CLUSTER_SCOPED:
            built.set(("metadata", "namespace"), namespace, origin)
        elif kind == "Namespace" and built.api_version == "v1":
            # kustomize's namespace filter renames Namespace objects too: the build creates the namespace it sets.
            built.set(("metadata", "name"), namespace, origin)
        if kind in ("RoleBinding", "ClusterRoleBinding"):
            _subjects_namespace(built, namespace, origin)
        elif kind in _WEBHOOKS:
            _each_service_ref(built, ("webhooks",), ("clientConfig", "service"), namespace, origin)
        elif kind == "APIService" and isinstance(get_path(built.data, ("spec", "service")), dict):
            built.set(("spec", "service", "namespace"), namespace, origin)


def _subjects_namespace(built: BuiltObject, namespace: str, origin: Origin) -> None:
    """Only the subjects named `default` get the namespace (kustomize's roleBindingHack)."""
    subjects = built.data.get("subjects")
    for index, subject in enumerate(subjects if isinstance(subjects, list) else ()):
        if isinstance(subject, dict) and subject.get("name") == "default":
            built.set(("subjects", index, "namespace"), namespace, origin)


def _each_service_ref(built: BuiltObject, list_path: FieldPath, ref: FieldPath, namespace: str, origin: Origin) -> None:
    items = get_path(built.data, list_path)
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(get_path(item, ref), dict):
            built.set((*list_path, index, *ref, "namespace"), namespace, origin)


def rename(objects: list[BuiltObject], kustomization: Kustomization) -> None:
    """namePrefix and nameSuffix, then the references to the renamed Services and workloads in the objects of
    the same build (kustomize's nameReference transformer, for the fields that name Services and workloads)."""
    prefix = kustomization.data.get("namePrefix")
    suffix = kustomization.data.get("nameSuffix")
    prefix = prefix if isinstance(prefix, str) else ""
    suffix = suffix if isinstance(suffix, str) else ""
    if not prefix and not suffix:
        return
    renamed: dict[tuple[str, str, str], str] = {}  # (kind group, namespace, old name) -> new name
    for built in objects:
        name = built.name
        if built.kind in NOT_RENAMED or not name:
            continue
        new = f"{prefix}{name}{suffix}"
        built.set(("metadata", "name"), new, None)  # still located where the name was written
        built.names.append(new)
        renamed[(_family(built), built.namespace, name)] = new
    _rewrite(objects, SERVICE_REFERENCES, "Service", renamed)
    _rewrite(objects, WORKLOAD_REFERENCES, "workload", renamed)


def _family(built: BuiltObject) -> str:
    if built.kind == "Service" and built.api_version == "v1":
        return "Service"
    return "workload" if built.kind in SCALED_KINDS else built.kind


def _rewrite(
    objects: list[BuiltObject], specs: tuple[FieldSpec, ...], family: str, renamed: dict[tuple[str, str, str], str]
) -> None:
    def visit(built: BuiltObject, path: FieldPath) -> None:
        value = get_path(built.data, path)
        if isinstance(value, str):
            new = renamed.get((family, built.namespace, value))
            if new is not None:
                built.set(path, new, None)  # the reference stays where it was written

    each_target(objects, specs, visit)


def add_labels(objects: list[BuiltObject], kustomization: Kustomization) -> None:
    """commonLabels (metadata, selectors and templates) and each entry of `labels` (metadata; templates with
    includeTemplates; selectors and templates with includeSelectors)."""
    common = kustomization.data.get("commonLabels")
    if isinstance(common, dict):
        _set_pairs(objects, COMMON_LABELS, common, kustomization, ("commonLabels",))
    entries = kustomization.data.get("labels")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if not isinstance(entry, dict) or not isinstance(entry.get("pairs"), dict):
            continue
        if entry.get("includeSelectors") is True:
            specs = COMMON_LABELS
        elif entry.get("includeTemplates") is True:
            specs = (*METADATA_LABELS, *TEMPLATE_LABELS)
        else:
            specs = METADATA_LABELS
        _set_pairs(objects, specs, entry["pairs"], kustomization, ("labels", index, "pairs"))


def add_annotations(objects: list[BuiltObject], kustomization: Kustomization) -> None:
    common = kustomization.data.get("commonAnnotations")
    if isinstance(common, dict):
        _set_pairs(objects, COMMON_ANNOTATIONS, common, kustomization, ("commonAnnotations",))


def _set_pairs(
    objects: list[BuiltObject],
    specs: tuple[FieldSpec, ...],
    pairs: dict[str, Any],
    kustomization: Kustomization,
    at: FieldPath,
) -> None:
    texts = {key: label_text(value) for key, value in pairs.items() if isinstance(key, str)}
    made = kustomization.origin(at)

    def visit(built: BuiltObject, path: FieldPath) -> None:
        target = get_path(built.data, path)
        if not isinstance(target, dict):
            return
        for key, value in texts.items():
            built.set((*path, key), value, kustomization.origin((*at, key)))

    each_target(objects, specs, visit, made)


def set_replicas(objects: list[BuiltObject], kustomization: Kustomization) -> None:
    entries = kustomization.data.get("replicas")
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        count = entry.get("count")
        if not isinstance(count, int) or isinstance(count, bool):
            continue
        for built in objects:
            if built.kind in SCALED_KINDS and entry["name"] in built.names:
                built.set(("spec", "replicas"), count, kustomization.origin(("replicas", index, "count")))
