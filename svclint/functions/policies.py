"""Checks of NetworkPolicies against the Services that expose their pods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.inventory.controller_sources import TrafficSource, controller_sources
from svclint.inventory.index import PodTemplate, nearest_scope
from svclint.inventory.paths.policies import NetworkPolicy
from svclint.inventory.walk import EntryPoint, controller_verdict, entry_points, outside_verdict

# Where the traffic of an external client comes from when it reaches the pod (kube-proxy): with `Local` the
# client's own address is kept; with `Cluster` the node that received it masquerades it.
_SOURCES = {
    "Local": "clients keep their own address (externalTrafficPolicy: Local), so an ipBlock that covers them",
    "Cluster": (
        "traffic arrives from node addresses (externalTrafficPolicy: Cluster masquerades it), so an ipBlock that "
        "covers the nodes"
    ),
}


def _backend(target: Target, context: CheckContext) -> tuple[dict[str, Any], list[PodTemplate], Any, str] | None:
    """For a Service port: the port, the pod templates the Service's author meant, its target and protocol."""
    port: dict[str, Any] = target.value
    service = context.resource
    selector = service.get(("spec", "selector"))
    if not isinstance(selector, dict) or not selector:
        return None
    matched = nearest_scope(
        context.inventory.matching_templates(service.namespace, selector, near=service.path), service.path
    )
    wanted = port.get("targetPort")
    wanted = port.get("port") if wanted in (None, 0, "") else wanted
    return port, matched, wanted, str(port.get("protocol") or "TCP")


@register
class PolicyAdmitsClients(CheckFunction[NoOptions, NoOptions]):
    name = "policyAdmitsClients"
    description = (
        "For a port of a Service that clients outside the cluster reach (the rule's conditions say which), the "
        'NetworkPolicies that isolate the selected pods for ingress ("Ingress" in policyTypes, the default) admit '
        "those clients on the target port: an ingress rule without `from`, or with an `ipBlock` peer, whose ports "
        "cover the container port (pod and namespace selectors match pods, never outside clients nor node "
        "addresses). Policies are additive: one admitting rule is enough. Silent when no policy selects the pods, "
        "when no pod template is selected, and when a selector or a named port cannot be resolved."
    )
    provides = frozenset({"reason", "target"})
    needs_inventory = True
    accepts = frozenset({"mapping"})  # an item of spec.ports

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        backend = _backend(target, context)
        if backend is None:
            return
        port, matched, wanted, protocol = backend
        inventory, service = context.inventory, context.resource
        blocked: list[str] = []
        related: list[Related] = []
        for template in matched:
            policies, verdict = outside_verdict(inventory, template, wanted, protocol)
            if verdict is not False:
                continue
            names = ", ".join(p.resource.name for p in policies)
            blocked.append(f"{template.describe()} (isolated by {names})")
            related.extend(
                Related(p.resource, ("spec", "podSelector"), f"NetworkPolicy {p.resource.namespace}/{p.resource.name}")
                for p in policies[:3]
            )
        if not blocked:
            return
        policy = service.get(("spec", "externalTrafficPolicy"))
        source = _SOURCES["Local" if policy == "Local" else "Cluster"]
        reason = f"{'; '.join(blocked[:3])}: no ingress rule admits them, and {source} or an empty `from` is needed"
        path = (*target.path, "targetPort") if "targetPort" in port else (*target.path, "port")
        yield Violation(path=path, variables={"reason": reason, "target": wanted}, related=tuple(related[:10]))


@register
class PolicyAdmitsControllers(CheckFunction[NoOptions, NoOptions]):
    name = "policyAdmitsControllers"
    description = (
        "For a port of a Service that an Ingress or a Gateway API route of the run sends traffic to, the "
        "NetworkPolicies that isolate the selected pods for ingress admit the pods that traffic comes from: the "
        "Ingress or Gateway controller's pods in view (pod templates of the entry point's project whose service "
        "account the run's RBAC lets watch Ingresses, or Gateways and routes; for a route also the proxies a "
        "Gateway implementation may run in the Gateway's namespace) on the target port. A peer matches them by "
        "podSelector (the policy's own namespace), namespaceSelector (the labels of the run's Namespace objects "
        "and `kubernetes.io/metadata.name`) or both in one peer; a rule without `from` admits every source. Silent "
        "when no controller is in view, when no policy isolates the pods, and when a selector, a named port, a "
        "Namespace's labels, an ipBlock or a host-network controller would decide."
    )
    provides = frozenset({"reason", "target", "entry"})
    needs_inventory = True
    accepts = frozenset({"mapping"})  # an item of spec.ports

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        inventory, service = context.inventory, context.resource
        entries = [e for e in entry_points(inventory, service, int(target.path[-1])) if e.kind in ("Ingress", "Route")]
        backend = _backend(target, context) if entries else None
        if backend is None:
            return
        port, matched, wanted, protocol = backend
        for entry in entries:
            sources = controller_sources(inventory, entry.resource)
            blocked = [
                (template, policies)
                for template in matched
                for policies, verdict in [controller_verdict(inventory, template, wanted, protocol, sources)]
                if verdict is False
            ]
            if not blocked:
                continue
            yield _blocked(target, port, wanted, entry, sources, blocked[0])
            return


def _blocked(
    target: Target,
    port: dict[str, Any],
    wanted: Any,
    entry: EntryPoint,
    sources: tuple[TrafficSource, ...],
    blocked: tuple[PodTemplate, tuple[NetworkPolicy, ...]],
) -> Violation:
    """The finding for the first selected pod template whose policies keep the entry point's controller out."""
    template, policies = blocked
    names = ", ".join(p.resource.name for p in policies)
    senders = ", ".join(source.describe() for source in sources[:3])
    what = f"{entry.resource.kind} {entry.resource.namespace}/{entry.resource.name}"
    reason = (
        f"its traffic comes from {senders}, and no ingress rule of the policies isolating "
        f"{template.describe()} ({names}) admits them"
    )
    related = [Related(entry.resource, entry.path, f"backend of {what}")]
    related.extend(
        Related(p.resource, ("spec", "podSelector"), f"NetworkPolicy {p.resource.namespace}/{p.resource.name}")
        for p in policies[:3]
    )
    related.extend(
        Related(s.template.resource, s.template.labels_path, f"controller {s.template.describe()}")
        for s in sources[:3]
        if s.template is not None
    )
    path = (*target.path, "targetPort") if "targetPort" in port else (*target.path, "port")
    return Violation(path=path, variables={"reason": reason, "target": wanted, "entry": what}, related=tuple(related))
