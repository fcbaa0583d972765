"""Which service accounts run Ingress or Gateway API controllers, read from the run's RBAC objects.

An Ingress or Gateway controller must list and watch the objects it implements (Ingresses, Gateways, routes), so
a Role or ClusterRole that grants that, bound to a service account, marks the pods running as that account as
an entry point of the cluster: advice to put an Ingress in front of them would contradict what they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from svclint.input.document import Resource

RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
# (API group, resource) of the objects an entry-point controller implements.
INGRESS_RESOURCES = frozenset({("networking.k8s.io", "ingresses"), ("extensions", "ingresses")})
GATEWAY_RESOURCES = frozenset(
    {
        ("gateway.networking.k8s.io", "gateways"),
        ("gateway.networking.k8s.io", "httproutes"),
        ("gateway.networking.k8s.io", "tlsroutes"),
        ("gateway.networking.k8s.io", "tcproutes"),
    }
)
ROUTING_RESOURCES = INGRESS_RESOURCES | GATEWAY_RESOURCES
_WATCHING = frozenset({"watch", "list", "*"})


def is_rbac(resource: Resource) -> bool:
    return resource.kind in RBAC_KINDS and resource.api_version.startswith("rbac.authorization.k8s.io/")


def routing_controller_accounts(
    objects: Iterable[Resource], resources: frozenset[tuple[str, str]] = ROUTING_RESOURCES
) -> frozenset[tuple[str, str]]:
    """(namespace, service account) pairs bound to a role that lists or watches some of the `resources` (by
    default Ingresses, Gateways and routes)."""
    granting: set[tuple[str, str, str]] = set()  # (kind, namespace or "", name) of roles that grant it
    bindings: list[Resource] = []
    for resource in objects:
        if resource.kind in ("RoleBinding", "ClusterRoleBinding"):
            bindings.append(resource)
        elif _grants_watching(resource.data.get("rules"), resources):
            namespace = resource.namespace if resource.kind == "Role" else ""
            granting.add((resource.kind, namespace, resource.name))
    accounts: set[tuple[str, str]] = set()
    for binding in bindings:
        ref = binding.data.get("roleRef")
        if not isinstance(ref, dict):
            continue
        kind = ref.get("kind")
        if (kind, binding.namespace if kind == "Role" else "", ref.get("name")) in granting:
            accounts.update(_service_accounts(binding))
    return frozenset(accounts)


def _service_accounts(binding: Resource) -> Iterator[tuple[str, str]]:
    """(namespace, name) of the binding's ServiceAccount subjects; a subject without a namespace is in the
    binding's."""
    subjects = binding.data.get("subjects")
    for subject in subjects if isinstance(subjects, list) else ():
        if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount":
            subject_namespace = subject.get("namespace") or binding.namespace
            if isinstance(subject.get("name"), str) and isinstance(subject_namespace, str):
                yield subject_namespace, subject["name"]


def _grants_watching(rules: Any, watched: frozenset[tuple[str, str]]) -> bool:
    for rule in rules if isinstance(rules, list) else ():
        if not isinstance(rule, dict):
            continue
        groups, resources, verbs = (_texts(rule.get(key)) for key in ("apiGroups", "resources", "verbs"))
        if not verbs & _WATCHING:
            continue
        # Named explicitly: a wildcard role (an operator's, an admin's) says nothing about routing.
        if any(group in groups and resource in resources for group, resource in watched):
            return True
    return False


def _texts(value: Any) -> set[str]:
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()


def service_account(pod_spec: Any) -> str:
    """The service account a pod runs as: `serviceAccountName` (or the deprecated `serviceAccount`), else
    `default`."""
    if isinstance(pod_spec, dict):
        for key in ("serviceAccountName", "serviceAccount"):
            name = pod_spec.get(key)
            if isinstance(name, str) and name:
                return name
    return "default"
