"""One index over every object of a run: the facts cross-resource checks ask for, built once.

Pod templates (with their labels, replica counts and container ports), Services, nodePort claims and Ingresses,
by namespace. Checks never rescan documents: they ask here.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.controllers import is_rbac, routing_controller_accounts, service_account
from svclint.inventory.neighbourhood import ProjectFacts, same_project
from svclint.inventory.nodeports import NodePortClaims
from svclint.inventory.paths.gateway import is_gateway_api, is_route
from svclint.inventory.paths.index import PathIndex
from svclint.inventory.paths.labels import label_text as _label_text
from svclint.inventory.routing import BackendUse, backend_uses, route_uses
from svclint.k8s.kinds import POD_TEMPLATE_PATHS
from svclint.kustomize.namespaces import KustomizedNamespaces

if TYPE_CHECKING:
    from svclint.firewall.model import FirewallModel

# Which field counts each workload kind's pods.
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
# Labels the Job and StatefulSet controllers add to every pod they make.
AUTOMATIC_LABELS = frozenset(
    {"job-name", "batch.kubernetes.io/job-name", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"}
)
# How operators are named: `prometheus-operator` runs `prometheus` pods.
OPERATOR_SUFFIX = "-operator"
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


class ContainerPort(Struct, frozen=True):
    container: str
    name: str | None
    number: int | None
    protocol: str
    path: FieldPath  # inside the workload resource (or the patch that added it)
    source: Resource | None = None  # the patch that added the port, when not the workload itself
    # The port it takes on the pod's node: its hostPort, or its containerPort in a pod on the host network.
    on_node: int | None = None


class PodTemplate(Struct):
    resource: Resource
    template_path: FieldPath
    labels: dict[str, Any]
    replicas: int | None  # None: one pod per node (DaemonSet)
    ports: list[ContainerPort] = field(default_factory=list)
    folder: str = ""  # the folder of its file, for "nearest definition" choices

    def __post_init__(self) -> None:
        self.folder = os.path.dirname(self.resource.path)

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

    def own_labels(self) -> dict[str, Any]:
        """The workload's own metadata.labels (which a Service does not select by)."""
        return _own_labels(self.resource)

    def selected_by(self, selector: Mapping[str, Any]) -> bool:
        """Whether the selector matches this template's pods, with the labels controllers add to them."""
        for key, value in selector.items():
            wanted = _label_text(value)
            if key in self.labels:
                if _label_text(self.labels[key]) != wanted:
                    return False
            elif wanted not in self._automatic_label_values(key):
                return False
        return True

    def _automatic_label_values(self, key: str) -> frozenset[str]:
        """Labels the Job and StatefulSet controllers put on every pod (batch/v1 Job, apps/v1 StatefulSet)."""
        kind, name = self.resource.kind, self.resource.name
        if kind == "Job" and key in ("job-name", "batch.kubernetes.io/job-name"):
            return frozenset({name})
        if kind == "StatefulSet" and key in ("statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"):
            count = self.replicas or 0
            if key == "apps.kubernetes.io/pod-index":
                return frozenset(str(i) for i in range(min(count, 1000)))
            return frozenset(f"{name}-{i}" for i in range(min(count, 1000)))
        return frozenset()

    def mentions_port(self, number: int) -> bool:
        """Whether a container's command, args or env values name the number (`--port 18080`, `:18080`)."""
        pattern = re.compile(rf"(?<![0-9]){number}(?![0-9])")
        spec = self.resource.get((*self.template_path, "spec"))
        if not isinstance(spec, dict):
            return False
        for group in ("containers", "initContainers"):
            for container in spec.get(group) or ():
                if not isinstance(container, dict):
                    continue
                words = [*_strings(container.get("command")), *_strings(container.get("args"))]
                for variable in container.get("env") or ():
                    if isinstance(variable, dict):
                        words.extend(_strings([variable.get("value")]))
                if any(pattern.search(word) for word in words):
                    return True
        return False


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [str(v) for v in values if isinstance(v, (str, int)) and not isinstance(v, bool)]


class Inventory(Struct):
    templates: dict[str, list[PodTemplate]] = field(default_factory=lambda: defaultdict(list))
    # Every definition of each Service: alternative overlays or samples may define the same one twice.
    services: dict[str, dict[str, list[Resource]]] = field(default_factory=lambda: defaultdict(dict))
    ingresses: list[Resource] = field(default_factory=list)
    # Objects whose controller makes pods and Services named and labelled after them: operators' custom
    # resources and Gateways.
    custom_resources: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    # The Ingresses and routes that send traffic to each Service, by (namespace, Service name).
    backends: dict[tuple[str, str], list[BackendUse]] = field(default_factory=lambda: defaultdict(list))
    nodeport_claims: NodePortClaims = field(default_factory=NodePortClaims)
    # Ports pods take on their node (hostPort, or host network): node-level exposure like a nodePort.
    host_ports: dict[int, list[tuple[PodTemplate, ContainerPort]]] = field(default_factory=dict)
    firewall_resources: list[Resource] = field(default_factory=list)
    rbac: list[Resource] = field(default_factory=list)  # Roles, ClusterRoles and their bindings
    # Every definition of each object of an API group, by (kind, namespace, name): a project may ship the same
    # object in several API versions, for older and newer clusters.
    definitions: dict[tuple[str, str, str], list[Resource]] = field(default_factory=lambda: defaultdict(list))
    partial_view: bool = False  # only some files are in view (pre-commit without context)
    kustomized: KustomizedNamespaces = field(default_factory=KustomizedNamespaces)
    firewall: FirewallModel | None = None  # the run's firewall rules, when firewall checks are on
    paths: PathIndex = field(default_factory=PathIndex)  # Gateways, routes, grants, policies, endpoints
    # Pod templates by namespace and (label, value), and answers already given: many rules ask the same thing.
    _by_label: dict[str, dict[tuple[str, str], list[PodTemplate]]] = field(default_factory=dict)
    # The same across namespaces, and by the workloads' own metadata.labels; the label keys each namespace's
    # pod templates use; templates by file and by folder: the diagnosis of a selector that matches
    # nothing asks these, so that its cost does not grow with the number of workloads.
    _by_label_anywhere: dict[tuple[str, str], list[PodTemplate]] = field(default_factory=dict)
    _by_own_label: dict[str, dict[tuple[str, str], list[PodTemplate]]] = field(default_factory=dict)
    _keys: dict[str, set[str]] = field(default_factory=dict)
    _by_file: dict[str, dict[str, list[PodTemplate]]] = field(default_factory=dict)
    _by_folder: dict[str, dict[str, list[PodTemplate]]] = field(default_factory=dict)
    _by_port_name: dict[str, dict[tuple[str, str], list[PodTemplate]]] = field(default_factory=dict)
    _by_name: dict[str, dict[str, list[PodTemplate]]] = field(default_factory=dict)
    # Operators' objects of every namespace by name and by label.
    _owners_by_name: dict[str, list[Resource]] = field(default_factory=dict)
    _owners_by_label: dict[tuple[str, str], list[Resource]] = field(default_factory=dict)
    _matches: dict[tuple[Any, ...], list[PodTemplate]] = field(default_factory=dict)
    # Facts of each namespace by project (svclint.inventory.neighbourhood), built on the first question.
    _projects: dict[tuple[str, str], ProjectFacts[Any]] = field(default_factory=dict)
    _definitions: dict[tuple[Any, ...], Definitions] = field(default_factory=dict)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # answers functions share

    def index(self) -> None:
        """(Re)build the label index; call once the templates are final."""
        self._by_label = {}
        self.host_ports = {}
        self._matches = {}
        self._projects = {}
        self._definitions = {}
        anywhere: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        for namespace in sorted(self.templates):
            postings: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
            own: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
            by_file: dict[str, list[PodTemplate]] = defaultdict(list)
            by_folder: dict[str, list[PodTemplate]] = defaultdict(list)
            by_port_name: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
            by_name: dict[str, list[PodTemplate]] = defaultdict(list)
            for template in self.templates[namespace]:
                by_name[template.resource.name].append(template)
                for port in template.ports:
                    if port.on_node is not None:
                        self.host_ports.setdefault(port.on_node, []).append((template, port))
                for name, protocol in {(p.name, p.protocol) for p in template.ports if p.name}:
                    by_port_name[(name, protocol)].append(template)
                for key, value in template.labels.items():
                    postings[(key, _label_text(value))].append(template)
                    anywhere[(key, _label_text(value))].append(template)
                for key, value in template.own_labels().items():
                    own[(key, _label_text(value))].append(template)
                by_file[template.resource.path].append(template)
                by_folder[template.folder].append(template)
            self._by_label[namespace] = postings
            self._by_own_label[namespace] = own
            self._keys[namespace] = {key for key, _ in postings}
            self._by_file[namespace] = by_file
            self._by_folder[namespace] = by_folder
            self._by_port_name[namespace] = by_port_name
            self._by_name[namespace] = by_name
        self._by_label_anywhere = anywhere
        self._index_owners()

    def _index_owners(self) -> None:
        owners_by_name: dict[str, list[Resource]] = defaultdict(list)
        by_label: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for namespace in sorted(self.custom_resources):
            for owner in self.custom_resources[namespace]:
                owners_by_name[owner.name].append(owner)
                metadata = owner.data.get("metadata")
                labels = metadata.get("labels") if isinstance(metadata, dict) else None
                for key, value in labels.items() if isinstance(labels, dict) else ():
                    by_label[(key, _label_text(value))].append(owner)
        self._owners_by_name = owners_by_name
        self._owners_by_label = by_label

    def take_workloads(self, other: Inventory) -> None:
        """The pod templates of `other`, patched and scaled, and their index (build_inventory's workloads_from).
        Answers that also read other objects (the facts by project, the functions' memo) are left to be made."""
        self.templates = other.templates
        self.host_ports = other.host_ports
        self._by_label = other._by_label
        self._by_label_anywhere = other._by_label_anywhere
        self._by_own_label = other._by_own_label
        self._keys = other._keys
        self._by_file = other._by_file
        self._by_folder = other._by_folder
        self._by_port_name = other._by_port_name
        self._by_name = other._by_name
        self._owners_by_name = other._owners_by_name
        self._owners_by_label = other._owners_by_label
        self._matches = other._matches
        self._definitions = other._definitions

    def _candidates(self, namespace: str, selector: Mapping[str, Any]) -> list[PodTemplate]:
        templates = self.templates.get(namespace, [])
        if not selector or any(key in AUTOMATIC_LABELS for key in selector):
            return list(templates)
        postings = self._by_label.get(namespace)
        if postings is None:
            return list(templates)
        return min((postings.get((k, _label_text(v)), []) for k, v in selector.items()), key=len)

    def namespace_known(self, resource: Resource) -> bool:
        """Whether the object's namespace is the one its manifest names: given, and not set by a kustomization."""
        metadata = resource.data.get("metadata")
        given = isinstance(metadata, dict) and bool(metadata.get("namespace"))
        return given and not self.kustomized.covers(resource.path)

    def has_workloads(self, namespace: str) -> bool:
        return bool(self.templates.get(namespace))

    def has_workloads_near(self, namespace: str, path: str) -> bool:
        """Whether the namespace has pod templates in the file's project: workloads of an unrelated project that
        share the namespace name say nothing about this file's pods."""
        return self._templates_by_project(namespace).near(path) is not None

    def operator_near(self, namespace: str, path: str) -> PodTemplate | None:
        """The first workload of the namespace in the file's project that is named like an operator
        (`*-operator`)."""
        facts = self._projects.get(("operators", namespace))
        if facts is None:
            operators = (
                (template.resource.path, index)
                for index, template in enumerate(self.templates.get(namespace, []))
                if template.resource.name.endswith(OPERATOR_SUFFIX)
            )
            facts = self._projects[("operators", namespace)] = ProjectFacts(operators, min)
        first = facts.near(path)
        return None if first is None else self.templates[namespace][first]

    def has_services_near(self, namespace: str, path: str) -> bool:
        """Whether the namespace has a Service defined in the file's project."""
        facts = self._projects.get(("services", namespace))
        if facts is None:
            definitions = self.services.get(namespace, {}).values()
            facts = self._projects[("services", namespace)] = ProjectFacts(
                ((definition.path, True) for group in definitions for definition in group), _either
            )
        return facts.near(path) is not None

    def _templates_by_project(self, namespace: str) -> ProjectFacts[frozenset[str]]:
        """The label keys of the namespace's pod templates, by project."""
        facts = self._projects.get(("label keys", namespace))
        if facts is None:
            templates = self.templates.get(namespace, [])
            facts = self._projects[("label keys", namespace)] = ProjectFacts(
                ((template.resource.path, frozenset(template.labels)) for template in templates), _union
            )
        return facts

    def matching_templates(
        self, namespace: str, selector: Mapping[str, Any], near: str | None = None
    ) -> list[PodTemplate]:
        """Pod templates the selector matches. A workload defined in several files (alternative overlays or
        provider variants) counts once, by its definition nearest to `near`: same file, same folder, first."""
        key = (namespace, tuple(sorted((k, _label_text(v)) for k, v in selector.items())))
        matched = self._matches.get(key)
        if matched is None:
            matched = self._matches[key] = [t for t in self._candidates(namespace, selector) if t.selected_by(selector)]
        if near is None or len(matched) < 2:
            return matched
        definitions = self._definitions.get(key)
        if definitions is None:
            definitions = self._definitions[key] = Definitions(matched)
        return definitions.nearest(near)

    def matching_elsewhere(
        self, namespace: str, selector: Mapping[str, Any], near: str | None = None
    ) -> list[PodTemplate]:
        """Pod templates of other namespaces that the selector matches, by namespace; with `near`, only those of
        that file's project."""
        if not selector or any(key in AUTOMATIC_LABELS for key in selector):
            candidates = [t for other in sorted(self.templates) for t in self.templates[other]]
        else:
            candidates = min(
                (self._by_label_anywhere.get((k, _label_text(v)), []) for k, v in selector.items()), key=len
            )
        return [
            t
            for t in candidates
            if t.resource.namespace != namespace
            and t.selected_by(selector)
            and (near is None or same_project(t.resource.path, near))
        ]

    def labelled_itself(self, namespace: str, selector: Mapping[str, Any]) -> list[PodTemplate]:
        """Workloads of the namespace whose own metadata.labels (not their pods') the selector matches."""
        postings = self._by_own_label.get(namespace, {})
        if not selector:
            return []
        candidates = min((postings.get((k, _label_text(v)), []) for k, v in selector.items()), key=len)
        return [t for t in candidates if t.template_path and selects(selector, t.own_labels())]

    def declaring_port(self, namespace: str, name: str, protocol: str) -> list[PodTemplate]:
        """Pod templates of the namespace with a container port of that name and protocol."""
        return self._by_port_name.get(namespace, {}).get((name, protocol), [])

    def workloads_named(self, namespace: str, name: str) -> list[PodTemplate]:
        return self._by_name.get(namespace, {}).get(name, [])

    def owners_named(self, name: str) -> list[Resource]:
        """Operators' objects (custom resources, Gateways) of that name, in any namespace."""
        return self._owners_by_name.get(name, [])

    def owners_labelled(self, selector: Mapping[str, Any]) -> list[Resource]:
        """Operators' objects, in any namespace, whose own labels the selector matches."""
        if not selector:
            return []
        candidates = min((self._owners_by_label.get((k, _label_text(v)), []) for k, v in selector.items()), key=len)
        return [owner for owner in candidates if selects(selector, _own_labels(owner))]

    def label_keys(self, namespace: str) -> set[str]:
        """The label keys that some pod template of the namespace sets."""
        return self._keys.get(namespace, set())

    def label_keys_near(self, namespace: str, path: str) -> frozenset[str]:
        """The label keys that some pod template of the namespace in the file's project sets."""
        return self._templates_by_project(namespace).near(path) or frozenset()

    def near_templates(self, namespace: str, path: str) -> list[PodTemplate]:
        """The namespace's pod templates nearest to a file: those in the file, else in its folder, else all."""
        same_file = self._by_file.get(namespace, {}).get(path)
        if same_file:
            return same_file
        return self._by_folder.get(namespace, {}).get(os.path.dirname(path)) or self.templates.get(namespace, [])

    def templates_in_file(self, path: str) -> bool:
        """Whether the file defines a pod template, in any namespace."""
        return any(path in by_file for by_file in self._by_file.values())

    def templates_in_folder(self, path: str) -> bool:
        """Whether the file's folder defines a pod template, in any namespace."""
        folder = os.path.dirname(path)
        return any(folder in by_folder for by_folder in self._by_folder.values())

    def runs_routing_controller(self, template: PodTemplate) -> bool:
        """Whether the template's pods run as a service account that RBAC of the run lets list or watch
        Ingresses, Gateways or routes: an Ingress or Gateway controller, an entry point itself."""
        accounts = self.memo.get(("routing controllers",))
        if accounts is None:
            accounts = self.memo[("routing controllers",)] = routing_controller_accounts(self.rbac)
        spec = template.resource.get((*template.template_path, "spec"))
        return (template.resource.namespace, service_account(spec)) in accounts

    def service(self, namespace: str, name: str) -> Resource | None:
        candidates = self.services.get(namespace, {}).get(name)
        return candidates[0] if candidates else None

    def service_near(self, namespace: str, name: str, path: str) -> Resource | None:
        """The definition of a Service closest to a file: the same file, then the same folder, then the first."""
        candidates = self.services.get(namespace, {}).get(name)
        if not candidates:
            return None
        folder = os.path.dirname(path)
        return min(
            candidates,
            key=lambda c: (c.path != path, os.path.dirname(c.path) != folder),
        )


def nearest_scope(matched: list[PodTemplate], path: str) -> list[PodTemplate]:
    """The selected templates a Service's author meant: those in its own file, else its folder, else all.

    All-in-one manifests (an install file, a sample) define a Service with its workloads; other files that
    happen to match the labels are often alternatives (provider variants) or unrelated projects.
    """
    same_file = [t for t in matched if t.resource.path == path]
    if same_file:
        return same_file
    folder = os.path.dirname(path)
    same_folder = [t for t in matched if os.path.dirname(t.resource.path) == folder]
    return same_folder or matched


class Definitions:
    """The pod templates one selector matches, grouped by workload (kind, name): when a workload is defined in
    several files (alternative overlays, provider variants, copies), the definition nearest to a file counts."""

    def __init__(self, matched: list[PodTemplate]) -> None:
        self.matched = matched
        self.groups: dict[tuple[str, str], list[PodTemplate]] = {}
        for template in matched:
            self.groups.setdefault((template.resource.kind, template.resource.name), []).append(template)
        self.by_path: dict[tuple[tuple[str, str], str], PodTemplate] = {}
        self.by_folder: dict[tuple[tuple[str, str], str], PodTemplate] = {}
        for identity, group in self.groups.items():
            for template in group:
                self.by_path.setdefault((identity, template.resource.path), template)
                self.by_folder.setdefault((identity, template.folder), template)
        self.unique = all(len(group) == 1 for group in self.groups.values())

    def nearest(self, path: str) -> list[PodTemplate]:
        """One definition per workload: in the same file, else in the same folder, else the first; in the order
        the templates were matched."""
        if self.unique:
            return self.matched
        folder = os.path.dirname(path)
        chosen = {
            id(self.by_path.get((identity, path)) or self.by_folder.get((identity, folder)) or group[0])
            for identity, group in self.groups.items()
        }
        return [template for template in self.matched if id(template) in chosen]


def _either(one: bool, other: bool) -> bool:
    return one or other


def _union(one: frozenset[str], other: frozenset[str]) -> frozenset[str]:
    """Both sets' keys; one of the two when it holds the other, as most folders' summaries do: many folders then
    share one set instead of each holding a copy."""
    if other <= one:
        return one
    return other if one <= other else one | other


def selects(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    """A Service selector matches labels when every key is there with the same value (as strings)."""
    for key, value in selector.items():
        if key not in labels or _label_text(labels[key]) != _label_text(value):
            return False
    return True


def _own_labels(resource: Resource) -> dict[str, Any]:
    metadata = resource.data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return labels if isinstance(labels, dict) else {}


def build_inventory(
    resources: Iterable[Resource],
    partial_view: bool = False,
    kustomizations: Iterable[tuple[str, dict[str, Any]]] = (),
    template_of: Callable[[Resource], PodTemplate | None] | None = None,
    workloads_from: Inventory | None = None,
    variants: dict[tuple[str, str, str], list[Resource]] | None = None,
) -> Inventory:
    """The index of a run's objects; `kustomizations` are (file, document) of the run's kustomization files.
    `template_of` gives a new PodTemplate for each call (this build changes it): a caller that builds again and
    again over mostly the same objects may copy ones it made before. `workloads_from` is an inventory built from
    the very objects that feed the pod templates among `resources` (see feeds_workloads), in the same order: its
    templates and their index are taken instead of being made again. `variants` are the `definitions` the
    objects are judged against, when they are wider than these objects (several views of one run)."""
    inventory = Inventory(partial_view=partial_view, kustomized=KustomizedNamespaces(kustomizations))
    template_of = template_of or pod_template
    scaled: dict[tuple[str, str, str], int] = {}
    patches: list[Resource] = []
    for resource in resources:
        if resource.partial:
            patches.append(resource)  # a patch: the object it changes is defined elsewhere
            continue
        inventory.paths.add(resource)
        if resource.kind in POD_TEMPLATE_PATHS and _is_workload(resource):
            template = template_of(resource) if workloads_from is None else None
            if template is not None:
                inventory.templates[resource.namespace].append(template)
        elif resource.kind == "HorizontalPodAutoscaler":
            _note_autoscaler(resource, scaled)
        else:
            _file_resource(inventory, resource)
    inventory.definitions = definitions(resources) if variants is None else variants
    inventory.nodeport_claims.settle()
    if workloads_from is not None:
        inventory.take_workloads(workloads_from)
        return inventory
    _apply_workload_patches(inventory, patches)
    inventory.index()
    _apply_autoscalers(inventory, scaled)
    return inventory


def _file_resource(inventory: Inventory, resource: Resource) -> None:
    """Index an object that is neither a workload nor an autoscaler under what it is."""
    kind = resource.kind
    if kind == "Service" and resource.api_version == "v1":
        inventory.services[resource.namespace].setdefault(resource.name, []).append(resource)
        inventory.nodeport_claims.add(resource)
    elif kind == "Ingress":
        inventory.ingresses.append(resource)
        _add_backends(inventory, resource)
    elif kind == "ComputeFirewall":
        inventory.firewall_resources.append(resource)
    elif is_rbac(resource):
        inventory.rbac.append(resource)
    elif is_route(resource):
        _add_route_backends(inventory, resource)
    elif is_custom_resource(resource) or (kind == "Gateway" and is_gateway_api(resource)):
        inventory.custom_resources[resource.namespace].append(resource)


def _apply_autoscalers(inventory: Inventory, scaled: dict[tuple[str, str, str], int]) -> None:
    for templates in inventory.templates.values():
        for template in templates:
            key = (template.resource.namespace, template.resource.kind, template.resource.name)
            if key in scaled:
                template.replicas = scaled[key]


def feeds_workloads(resource: Resource) -> bool:
    """Whether the object goes into the pod templates or their index: a workload, a patch, an autoscaler, an
    operator's object. A build whose other objects changed can take those from the build before."""
    kind = resource.kind
    return (
        resource.partial
        or kind in POD_TEMPLATE_PATHS
        or kind == "HorizontalPodAutoscaler"
        or is_custom_resource(resource)
        or (kind == "Gateway" and is_gateway_api(resource))
    )


def definitions(resources: Iterable[Resource]) -> dict[tuple[str, str, str], list[Resource]]:
    """Every definition of each object of an API group, by (kind, namespace, name). Across kustomize builds,
    the run's overlays each define their variant of the same object."""
    found: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
    for resource in resources:
        if "/" in resource.api_version and not resource.partial:
            found[(resource.kind, resource.namespace, resource.name)].append(resource)
    return found


def _add_backends(inventory: Inventory, resource: Resource) -> None:
    for use in backend_uses(resource):
        inventory.backends[(use.namespace, use.service)].append(use)


def _add_route_backends(inventory: Inventory, resource: Resource) -> None:
    route = inventory.paths.route_of(resource)
    for use in route_uses(route) if route is not None else ():
        inventory.backends[(use.namespace, use.service)].append(use)


def is_custom_resource(resource: Resource) -> bool:
    group = resource.api_version.rpartition("/")[0]
    return bool(group) and group not in _BUILTIN_GROUPS and not group.endswith(BUILTIN_GROUP_SUFFIXES)


def _is_workload(resource: Resource) -> bool:
    groups = _WORKLOAD_API_GROUPS.get(resource.kind)
    if groups is None:
        return True
    api = resource.api_version
    return any(api.startswith(g) if g.endswith("/") else api == g for g in groups)


def pod_template(resource: Resource) -> PodTemplate | None:
    """A workload's pod template as its own manifest defines it (before patches and autoscalers)."""
    template_path = POD_TEMPLATE_PATHS[resource.kind]
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


def _container_ports(
    spec: dict[str, Any], spec_path: FieldPath, source: Resource | None = None
) -> Iterable[ContainerPort]:
    """Ports of the containers, and of restartable init containers (sidecars), which serve traffic too."""
    host_network = spec.get("hostNetwork") is True
    for group in ("containers", "initContainers"):
        containers = spec.get(group)
        for index, container in enumerate(containers if isinstance(containers, list) else ()):
            if not isinstance(container, dict):
                continue
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            ports = container.get("ports")
            cname = container.get("name")
            name = cname if isinstance(cname, str) else f"{group}[{index}]"
            for port_index, port in enumerate(ports if isinstance(ports, list) else ()):
                if isinstance(port, dict):
                    path = (*spec_path, group, index, "ports", port_index)
                    yield _container_port(name, port, path, source, host_network)


def _container_port(
    container: str, port: dict[str, Any], path: FieldPath, source: Resource | None, host_network: bool
) -> ContainerPort:
    number = port.get("containerPort")
    number = number if isinstance(number, int) and not isinstance(number, bool) else None
    name = port.get("name")
    protocol = port.get("protocol", "TCP")
    host = port.get("hostPort")
    if not (isinstance(host, int) and not isinstance(host, bool) and host > 0):
        # On the host network a container port is a port of the node itself.
        host = number if host_network else None
    return ContainerPort(
        container,
        name if isinstance(name, str) else None,
        number,
        protocol if isinstance(protocol, str) else "TCP",
        path,
        source,
        host,
    )


def _apply_workload_patches(inventory: Inventory, patches: list[Resource]) -> None:
    """A patch that adds containers, ports or labels to a workload (a sidecar with its port, say) extends the
    workload's pod template: an approximation of strategic merge that adds, for the facts svclint checks.

    Without following kustomization.yaml, a patch is taken to change the definitions of its workload that share
    the longest folder prefix with it: an overlay patches its own base, not a copy of the base elsewhere."""
    if not patches:
        return
    bases: dict[tuple[str, str, str], list[PodTemplate]] = defaultdict(list)
    for namespace, templates in inventory.templates.items():
        for known in templates:
            bases[(namespace, known.resource.kind, known.resource.name)].append(known)
    for patch in patches:
        if patch.kind not in POD_TEMPLATE_PATHS:
            continue
        template_path = POD_TEMPLATE_PATHS[patch.kind]
        template = patch.get(template_path) if template_path else patch.data
        if not isinstance(template, dict):
            continue
        for base in _nearest_bases(bases.get((patch.namespace, patch.kind, patch.name), []), patch.path):
            metadata = template.get("metadata")
            labels = metadata.get("labels") if isinstance(metadata, dict) else None
            if isinstance(labels, dict):
                base.labels = {**base.labels, **labels}
            spec = template.get("spec")
            if isinstance(spec, dict):
                base.ports.extend(_container_ports(spec, (*template_path, "spec"), patch))


def _nearest_bases(candidates: list[PodTemplate], path: str) -> list[PodTemplate]:
    if len(candidates) < 2:
        return candidates
    parts = os.path.abspath(path).split(os.sep)

    def shared(template: PodTemplate) -> int:
        other = os.path.abspath(template.resource.path).split(os.sep)
        count = 0
        for mine, theirs in zip(parts, other, strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    depth = {id(t): shared(t) for t in candidates}
    best = max(depth.values())
    return [t for t in candidates if depth[id(t)] == best]


def _note_autoscaler(resource: Resource, scaled: dict[tuple[str, str, str], int]) -> None:
    target = resource.get(("spec", "scaleTargetRef"))
    if not isinstance(target, dict):
        return
    kind, name = target.get("kind"), target.get("name")
    least = resource.get(("spec", "minReplicas"))
    if isinstance(kind, str) and isinstance(name, str):
        scaled[(resource.namespace, kind, name)] = least if isinstance(least, int) and least > 0 else 1
