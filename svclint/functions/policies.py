"""Checks of NetworkPolicies against the Services that expose their pods."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import CheckContext, CheckFunction, Related, Target, Violation, register
from svclint.inventory.index import nearest_scope
from svclint.inventory.walk import outside_verdict

# Where the traffic of an external client comes from when it reaches the pod (kube-proxy): with `Local` the
# client's own address is kept; with `Cluster` the node that received it masquerades it.
_SOURCES = {
    "Local": "clients keep their own address (externalTrafficPolicy: Local), so an ipBlock that covers them",
    "Cluster": (
        "traffic arrives from node addresses (externalTrafficPolicy: Cluster masquerades it), so an ipBlock that "
        "covers the nodes"
    ),
}


@register
class PolicyAdmitsClients(CheckFunction):
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

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        port = target.value
        service = context.resource
        selector = service.get(("spec", "selector"))
        if not isinstance(port, dict) or not isinstance(selector, dict) or not selector:
            return
        inventory = context.inventory
        matched = nearest_scope(
            inventory.matching_templates(service.namespace, selector, near=service.path), service.path
        )
        wanted = port.get("targetPort")
        wanted = port.get("port") if wanted in (None, 0, "") else wanted
        protocol = port.get("protocol") or "TCP"
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
