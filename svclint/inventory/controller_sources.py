"""Who sends an Ingress's or a Gateway route's traffic to the backend pods: the pods of the controller that
implements it. An Ingress controller proxies to the pods itself (ingress-nginx, Traefik, HAProxy: the
connection to the pod comes from the controller's pod); a Gateway's data plane runs in the controller's
namespace or, for implementations that provision one per Gateway (Istio, NGINX Gateway Fabric), in the
Gateway's namespace, from pods no manifest shows.

The controllers in view are the pod templates of the route's project whose service account the run's RBAC lets
list or watch Ingresses (for an Ingress) or Gateways and routes (for a route). Without one in view nothing is
known about where the traffic comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

from svclint.input.document import Resource
from svclint.inventory.controllers import (
    GATEWAY_RESOURCES,
    INGRESS_RESOURCES,
    routing_controller_accounts,
    service_account,
)
from svclint.inventory.index import Inventory, PodTemplate
from svclint.inventory.neighbourhood import same_project


class TrafficSource(Struct, frozen=True):
    """Pods that send an entry point's traffic on to the backend pods."""

    namespace: str
    labels: Mapping[str, Any] | None  # None: pods the run does not show (a proxy provisioned per Gateway)
    template: PodTemplate | None
    host_network: bool = False  # on the node's network: NetworkPolicy peers cannot tell what matches it

    def describe(self) -> str:
        if self.template is not None:
            return f"the pods of {self.template.describe()}"
        return f"the Gateway's proxy pods in namespace {self.namespace}"


def controller_sources(inventory: Inventory, entry: Resource) -> tuple[TrafficSource, ...]:
    """The pods an Ingress's or route's traffic comes from, as far as the run shows them; () when no controller
    of its kind is in view in its project."""
    is_ingress = entry.kind == "Ingress"
    controllers = [
        t
        for t in _controllers(inventory, "ingress" if is_ingress else "gateway")
        if same_project(t.resource.path, entry.path)
    ]
    if not controllers:
        return ()
    found = [
        TrafficSource(
            t.resource.namespace,
            t.labels,
            t,
            t.resource.get((*t.template_path, "spec", "hostNetwork")) is True,
        )
        for t in controllers
    ]
    if not is_ingress:
        route = inventory.paths.route_of(entry)
        gateways = sorted({p.namespace for p in route.parents if p.is_gateway}) if route is not None else []
        found.extend(TrafficSource(namespace, None, None) for namespace in gateways)
    return tuple(found)


def _controllers(inventory: Inventory, kind: str) -> list[PodTemplate]:
    """The run's pod templates whose namespace is written in their manifest and whose service account may
    watch Ingresses ("ingress") or Gateways and routes ("gateway")."""
    key = ("controller templates", kind)
    found = inventory.memo.get(key)
    if found is None:
        resources = INGRESS_RESOURCES if kind == "ingress" else GATEWAY_RESOURCES
        accounts = routing_controller_accounts(inventory.rbac, resources)
        found = inventory.memo[key] = [
            t
            for templates in inventory.templates.values()
            for t in templates
            if (t.resource.namespace, service_account(t.resource.get((*t.template_path, "spec")))) in accounts
            and inventory.namespace_known(t.resource)
        ]
    assert isinstance(found, list)
    return found
