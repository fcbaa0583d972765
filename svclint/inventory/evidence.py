"""What in view explains a selector or a backend that no object of the run satisfies.

Operators and Gateway controllers make pods and Services named and labelled after their own objects, and some
pods label themselves at run time (leader election, a primary's role). When the run holds an operator's object
in the namespace that names or labels what is missing, that is direct evidence: nothing is wrong. When the
evidence is indirect (a workload that is the only one to declare the Service's named port, pods that match all
but labels no manifest sets, an operator's object in another namespace), a finding is at most a note that says
which evidence is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from msgspec import Struct

from svclint.core.similarity import edit_distance, near
from svclint.input.document import DEFAULT_NAMESPACE, Resource
from svclint.inventory.index import OPERATOR_SUFFIX, Definitions, Inventory
from svclint.inventory.neighbourhood import same_project
from svclint.inventory.related import Related

# How operators are named after what they run: `prometheus-operator` runs `prometheus` pods.
CONTROLLER_SUFFIXES = (OPERATOR_SUFFIX, "-controller")


class Indirect(Struct, frozen=True):
    """Evidence that the missing pods exist after all, with what is not in view."""

    reason: str
    related: tuple[Related, ...]


def operator_object(inventory: Inventory, namespace: str, selector: Mapping[str, Any]) -> Resource | None:
    """An operator's object of the namespace that explains the selector: labelled like it, or named by one of its
    values (operators label the pods they make with the name of the object they make them for: `prometheus:
    k8s`, `ray.io/cluster: my-cluster`, `leaderworkerset.sigs.k8s.io/name: vllm`)."""
    found = _operator_objects(inventory, selector)
    return next((owner for owner in found if owner.namespace == namespace), None)


def service_maker(inventory: Inventory, namespace: str, name: str) -> Resource | None:
    """An operator's object or Gateway of the namespace whose controller makes a Service of this name: operators
    name what they make after their object (`<name>`, `<name>-<role>`: Rook's CephCluster `rook-ceph` makes
    `rook-ceph-mgr-dashboard`; a Gateway `web` gets a Service `web-<class>`)."""
    prefixes = [name] + [name[:i] for i, char in enumerate(name) if char == "-" and i]
    for prefix in prefixes:
        for owner in inventory.owners_named(prefix):
            if owner.namespace == namespace:
                return owner
    return None


def indirect_evidence(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """Indirect evidence for the pods of a selector that no pod template of the Service's namespace matches."""
    key = ("indirect", service.namespace, service.path, _selector_key(selector), _named_ports(service))
    if key not in inventory.memo:
        inventory.memo[key] = (
            _run_time_labels(inventory, service, selector)
            or _only_declaring_workload(inventory, service, selector)
            or _operator_elsewhere(inventory, service, selector)
            or _controller_in_view(inventory, service, selector)
            or _labels_of_another_maker(inventory, service, selector)
        )
    found = inventory.memo[key]
    return found if isinstance(found, Indirect) else None


def _operator_objects(inventory: Inventory, selector: Mapping[str, Any]) -> list[Resource]:
    key = ("operators", _selector_key(selector))
    found = inventory.memo.get(key)
    if found is None:
        named = [
            owner for value in sorted({str(v) for v in selector.values()}) for owner in inventory.owners_named(value)
        ]
        found = inventory.memo[key] = [*inventory.owners_labelled(selector), *named]
    assert isinstance(found, list)
    return found


def _run_time_labels(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """Pods that carry every label of the selector but keys no pod template in the namespace sets (nor a near
    spelling of them): the pods may add those at run time, as leader election does (`operator: leader`)."""
    known = inventory.label_keys(service.namespace)
    unset = [key for key in selector if key not in known]
    rest = {key: value for key, value in selector.items() if key in known}
    if not unset or not rest or any(_typo(key, other) for key in unset for other in known):
        return None
    matched = inventory.matching_templates(service.namespace, rest, near=service.path)
    if not matched:
        return None
    template = matched[0]
    missing = ", ".join(f"{key}={selector[key]}" for key in unset)
    return Indirect(
        f"the pods of {template.describe()} carry its other labels, and no manifest sets {missing}: if they "
        "label themselves at run time (as leader election does), the Service has endpoints; that is not in view",
        (Related(template.resource, template.labels_path, f"pod labels of {template.describe()}"),),
    )


def _only_declaring_workload(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """A named targetPort that exactly one workload of the namespace declares: its pods are very likely the ones
    meant, labelled at run time by their own controller."""
    for name, protocol in _named_ports(service):
        declaring = Definitions(inventory.declaring_port(service.namespace, name, protocol)).nearest(service.path)
        if len(declaring) != 1 or not same_project(declaring[0].resource.path, service.path):
            continue
        template = declaring[0]
        if _contradicts(template.labels, selector):
            continue  # the template sets a selected key to another value: relabelled, not labelled at run time
        port = next(p for p in template.ports if p.name == name and p.protocol == protocol)
        return Indirect(
            f"{template.describe()} is the only workload in namespace {service.namespace} that declares port "
            f"{name}, but no manifest gives its pods the selector's labels: they may get them at run time (from "
            "their own controller); that is not in view",
            (Related(port.source or template.resource, port.path, f"port {name} of {template.describe()}"),),
        )
    return None


def _operator_elsewhere(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """An operator's object in another namespace that names or labels the selector: its operator makes the pods,
    in a namespace that the manifests do not show to be this one."""
    for owner in _operator_objects(inventory, selector):
        if owner.namespace == service.namespace:
            continue
        return Indirect(
            f"{owner.kind} {owner.namespace}/{owner.name} explains it (its operator makes such pods), but it is in "
            f"namespace {owner.namespace}: whether its pods run in namespace {service.namespace} is not in view",
            (Related(owner, ("metadata", "name"), f"{owner.kind} {owner.namespace}/{owner.name}"),),
        )
    return None


def _controller_in_view(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """The operator of the selected pods runs in the namespace (a workload named `<value>-operator` or
    `<value>-controller` after a selector value: `prometheus-operator` for `app.kubernetes.io/name: prometheus`),
    but the custom resource it makes them from is not in view."""
    for value in sorted({str(v) for v in selector.values()}):
        for suffix in CONTROLLER_SUFFIXES:
            for template in inventory.workloads_named(service.namespace, value + suffix)[:1]:
                return Indirect(
                    f"{template.describe()}, the operator of such pods, runs in namespace {service.namespace}, "
                    "but the custom resource it makes them from is not in view",
                    (Related(template.resource, ("metadata", "name"), template.describe()),),
                )
    return None


def _labels_of_another_maker(inventory: Inventory, service: Resource, selector: Mapping[str, Any]) -> Indirect | None:
    """A Service in a file without workloads whose selector has keys under a vendor's prefix
    (`elasticsearch.k8s.elastic.co/cluster-name`, `cnpg.io/cluster`) and no key that a pod template of the
    namespace in its project sets (nor a near spelling of one): such labels are written by whatever makes the
    pods (an operator, a chart), and that is not in view."""
    if inventory.templates_in_file(service.path):
        return None  # written with its workloads: those are the pods meant
    known = inventory.label_keys_near(service.namespace, service.path)
    if any(key in known or any(_typo(key, other) for other in known) for key in selector):
        return None
    vendor = sorted(key for key in selector if _vendor_prefix(key))
    if not vendor:
        return None
    return Indirect(
        f"no pod template of its project in namespace {service.namespace} sets any of its labels, and "
        f"{', '.join(vendor)} "
        f"{'is' if len(vendor) == 1 else 'are'} set by what makes such pods (an operator or a chart), which is "
        "not in view",
        (),
    )


def operator_running(inventory: Inventory, service: Resource) -> Indirect | None:
    """An operator (a workload named `*-operator`) runs in the Service's namespace, in its project: it makes pods
    from custom resources, and the selector may be for those; which ones is not in view."""
    template = inventory.operator_near(service.namespace, service.path)
    if template is None:
        return None
    return Indirect(
        f"no pod template in view has these labels, but {template.describe()}, an operator, runs in "
        f"namespace {service.namespace}: the pods may be ones it makes from a custom resource that is "
        "not in view",
        (Related(template.resource, ("metadata", "name"), template.describe()),),
    )


def written_apart(inventory: Inventory, service: Resource) -> Indirect | None:
    """A Service in a folder without workloads, whose selector nothing in its project resembles: it was written
    for pods defined elsewhere (a chart, an operator, another repository), not for the workloads in view."""
    if inventory.templates_in_folder(service.path):
        return None
    return Indirect(
        "no pod template of its project resembles it, and its folder defines no workloads: its pods are defined "
        "by something not in view (a chart, an operator, another repository)",
        (),
    )


def _vendor_prefix(key: str) -> bool:
    """A label key under a DNS prefix other than Kubernetes' own (`kubernetes.io`, `k8s.io`), which the
    recommended `app.kubernetes.io/*` labels use and hand-written manifests share."""
    prefix, slash, _ = key.rpartition("/")
    if not slash or "." not in prefix:
        return False
    return not any(prefix == domain or prefix.endswith("." + domain) for domain in ("kubernetes.io", "k8s.io"))


def services_in_view(inventory: Inventory, namespace: str, path: str) -> bool:
    """Whether the run defines Services of the namespace that a reference from this file may mean: the evidence
    that a Service it names is missing, not merely out of view. A namespace other than `default` names one
    deployment; `default` is every unrelated project's, so only its Services in this file's project count
    (svclint.inventory.neighbourhood)."""
    services = inventory.services.get(namespace, {})
    if namespace != DEFAULT_NAMESPACE:
        return bool(services)
    return inventory.has_services_near(namespace, path)


def service_in_view(inventory: Inventory, namespace: str, name: str, path: str) -> Resource | None:
    """The definition of a Service nearest to a file that refers to it, when it is in view in the sense of
    `services_in_view`: a `default` Service of an unrelated project is not the one the file means."""
    service = inventory.service_near(namespace, name, path)
    if service is None or (namespace == DEFAULT_NAMESPACE and not same_project(service.path, path)):
        return None
    return service


# The same pairs of label keys come back for every Service of every copy of a project.
@lru_cache(maxsize=65536)
def _typo(key: str, other: str) -> bool:
    """A slip of one key for another: a typo's distance, or two letters swapped (`tire` for `tier`)."""
    return near(key, other) or (min(len(key), len(other)) >= 4 and edit_distance(key, other) <= 2)


def _contradicts(labels: Mapping[str, Any], selector: Mapping[str, Any]) -> bool:
    """Whether pod labels set a key of the selector to another value."""
    return any(key in labels and str(labels[key]) != str(value) for key, value in selector.items())


def _named_ports(service: Resource) -> tuple[tuple[str, str], ...]:
    ports = service.get(("spec", "ports"))
    found: list[tuple[str, str]] = []
    for port in ports if isinstance(ports, list) else ():
        if not isinstance(port, dict):
            continue
        target, protocol = port.get("targetPort"), port.get("protocol") or "TCP"
        if isinstance(target, str) and not target.isdigit() and isinstance(protocol, str):
            found.append((target, protocol))
    return tuple(found)


def _selector_key(selector: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in selector.items()))
