"""One index over every object of a run: the facts cross-resource checks ask for, built once.

Pod templates (with their labels, replica counts and container ports), Services, nodePort claims and Ingresses,
by namespace. Checks never rescan documents: they ask here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from svclint.document import Resource
from svclint.model import FieldPath

# Where each workload kind keeps its pod template, and which field counts its pods.
_TEMPLATE_PATHS: dict[str, FieldPath] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),  # Argo Rollouts: a Deployment with progressive delivery
    "DeploymentConfig": ("spec", "template"),  # OpenShift
}
_REPLICA_PATHS: dict[str, FieldPath] = {
    "Deployment": ("spec", "replicas"),
    "StatefulSet": ("spec", "replicas"),
    "ReplicaSet": ("spec", "replicas"),
    "ReplicationController": ("spec", "replicas"),
    "Job": ("spec", "parallelism"),
    "CronJob": ("spec", "jobTemplate", "spec", "parallelism"),
    "Rollout": ("spec", "replicas"),
    "DeploymentConfig": ("spec", "replicas"),
}
_WORKLOAD_API_GROUPS = {
    "Rollout": ("argoproj.io/",),
    "DeploymentConfig": ("apps.openshift.io/", "v1"),
}
WORKLOAD_KINDS = frozenset(_TEMPLATE_PATHS)
BUILTIN_GROUP_SUFFIXES = (".k8s.io",)
_BUILTIN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "extensions",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
    }
)


@dataclass(frozen=True, slots=True)
class ContainerPort:
    container: str
    name: str | None
    number: int | None
    protocol: str
    path: FieldPath  # inside the workload resource


@dataclass(slots=True)
class PodTemplate:
    resource: Resource
    template_path: FieldPath
    labels: dict[str, Any]
    replicas: int | None  # None: one pod per node (DaemonSet)
    ports: list[ContainerPort] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def labels_path(self) -> FieldPath:
        return (*self.template_path, "metadata", "labels")

    @property
    def per_node(self) -> bool:
        return self.resource.kind == "DaemonSet"

    def describe(self) -> str:
        return f"{self.resource.kind} {self.resource.namespace}/{self.resource.name}"


@dataclass(frozen=True, slots=True)
class NodePortClaim:
    port: int
    resource: Resource
    path: FieldPath
    field_name: str  # "nodePort" or "healthCheckNodePort"
    order: int  # run order: file order, then document order


@dataclass(slots=True)
class Inventory:
    templates: dict[str, list[PodTemplate]] = field(default_factory=lambda: defaultdict(list))
    services: dict[str, dict[str, Resource]] = field(default_factory=lambda: defaultdict(dict))
    ingresses: list[Resource] = field(default_factory=list)
    custom_resources: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    nodeport_claims: dict[int, list[NodePortClaim]] = field(default_factory=lambda: defaultdict(list))
    firewall_resources: list[Resource] = field(default_factory=list)
    partial_view: bool = False  # only some files are in view (pre-commit without context)
    extras: dict[str, Any] = field(default_factory=dict)  # facts other modules attach (firewall model)

    def has_workloads(self, namespace: str) -> bool:
        return bool(self.templates.get(namespace))

    def matching_templates(self, namespace: str, selector: Mapping[str, Any]) -> list[PodTemplate]:
        return [t for t in self.templates.get(namespace, ()) if selects(selector, t.labels)]

    def matching_elsewhere(self, namespace: str, selector: Mapping[str, Any]) -> list[PodTemplate]:
        return [
            template
            for other, templates in sorted(self.templates.items())
            if other != namespace
            for template in templates
            if selects(selector, template.labels)
        ]

    def service(self, namespace: str, name: str) -> Resource | None:
        return self.services.get(namespace, {}).get(name)


def selects(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """A Service selector matches labels when every key is there with the same value (as strings)."""
    for key, value in selector.items():
        if key not in labels or _label_text(labels[key]) != _label_text(value):
            return False
    return True


def _label_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def build_inventory(resources: Iterable[Resource], partial_view: bool = False) -> Inventory:
    inventory = Inventory(partial_view=partial_view)
    scaled: dict[tuple[str, str, str], int] = {}
    for order, resource in enumerate(resources, start=1):
        if resource.partial:
            continue  # a patch: the object it changes is defined elsewhere
        kind = resource.kind
        if kind in _TEMPLATE_PATHS and _is_workload(resource):
            template = _pod_template(resource)
            if template is not None:
                inventory.templates[resource.namespace].append(template)
        elif kind == "Service" and resource.api_version == "v1":
            inventory.services[resource.namespace].setdefault(resource.name, resource)
            _add_claims(inventory, resource, order)
        elif kind == "Ingress":
            inventory.ingresses.append(resource)
        elif kind == "HorizontalPodAutoscaler":
            _note_autoscaler(resource, scaled)
        elif kind == "ComputeFirewall":
            inventory.firewall_resources.append(resource)
        elif is_custom_resource(resource):
            inventory.custom_resources[resource.namespace].append(resource)
    for templates in inventory.templates.values():
        for template in templates:
            key = (template.resource.namespace, template.resource.kind, template.resource.name)
            if key in scaled:
                template.replicas = scaled[key]
    return inventory


def is_custom_resource(resource: Resource) -> bool:
    group = resource.api_version.rpartition("/")[0]
    return bool(group) and group not in _BUILTIN_GROUPS and not group.endswith(BUILTIN_GROUP_SUFFIXES)


def _is_workload(resource: Resource) -> bool:
    groups = _WORKLOAD_API_GROUPS.get(resource.kind)
    if groups is None:
        return True
    api = resource.api_version
    return any(api.startswith(g) if g.endswith("/") else api == g for g in groups)


def _pod_template(resource: Resource) -> PodTemplate | None:
    template_path = _TEMPLATE_PATHS[resource.kind]
    template = resource.get(template_path) if template_path else resource.data
    if not isinstance(template, dict):
        return None
    metadata = template.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    replicas: int | None = 1
    if resource.kind == "DaemonSet":
        replicas = None
    elif resource.kind in _REPLICA_PATHS:
        count = resource.get(_REPLICA_PATHS[resource.kind])
        if isinstance(count, int) and not isinstance(count, bool):
            replicas = count
    result = PodTemplate(resource, template_path, labels if isinstance(labels, dict) else {}, replicas)
    spec = template.get("spec")
    if isinstance(spec, dict):
        result.ports.extend(_container_ports(spec, (*template_path, "spec")))
    return result


def _container_ports(spec: dict[str, Any], spec_path: FieldPath) -> Iterable[ContainerPort]:
    """Ports of the containers, and of restartable init containers (sidecars), which serve traffic too."""
    for group in ("containers", "initContainers"):
        containers = spec.get(group)
        if not isinstance(containers, list):
            continue
        for index, container in enumerate(containers):
            if not isinstance(container, dict):
                continue
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            ports = container.get("ports")
            if not isinstance(ports, list):
                continue
            cname = container.get("name")
            for port_index, port in enumerate(ports):
                if not isinstance(port, dict):
                    continue
                number = port.get("containerPort")
                name = port.get("name")
                protocol = port.get("protocol", "TCP")
                yield ContainerPort(
                    cname if isinstance(cname, str) else f"{group}[{index}]",
                    name if isinstance(name, str) else None,
                    number if isinstance(number, int) and not isinstance(number, bool) else None,
                    protocol if isinstance(protocol, str) else "TCP",
                    (*spec_path, group, index, "ports", port_index),
                )


def _add_claims(inventory: Inventory, service: Resource, order: int) -> None:
    spec = service.data.get("spec")
    if not isinstance(spec, dict):
        return
    ports = spec.get("ports")
    if isinstance(ports, list):
        for index, port in enumerate(ports):
            if isinstance(port, dict):
                _claim(inventory, service, port.get("nodePort"), ("spec", "ports", index, "nodePort"), order)
    _claim(inventory, service, spec.get("healthCheckNodePort"), ("spec", "healthCheckNodePort"), order)


def _claim(inventory: Inventory, service: Resource, value: Any, path: FieldPath, order: int) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        claim = NodePortClaim(value, service, path, str(path[-1]), order)
        inventory.nodeport_claims[value].append(claim)


def _note_autoscaler(resource: Resource, scaled: dict[tuple[str, str, str], int]) -> None:
    target = resource.get(("spec", "scaleTargetRef"))
    if not isinstance(target, dict):
        return
    kind, name = target.get("kind"), target.get("name")
    least = resource.get(("spec", "minReplicas"))
    if isinstance(kind, str) and isinstance(name, str):
        scaled[(resource.namespace, kind, name)] = least if isinstance(least, int) and least > 0 else 1
