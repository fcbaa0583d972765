"""Following the path for one Service: its entry points, each port's target in the pods, and whether the
NetworkPolicies that isolate those pods admit the traffic.

A report walks every Service with `service_paths`; checks ask the narrower questions (`pod_port`,
`outside_verdict`) directly.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.controller_sources import TrafficSource
from svclint.inventory.index import ContainerPort, Inventory, PodTemplate, nearest_scope
from svclint.inventory.paths.endpoints import EndpointSet
from svclint.inventory.paths.gateway import Listener
from svclint.inventory.paths.policies import IngressRule, NetworkPolicy
from svclint.inventory.routing import BackendUse, backend_reference

DIRECT_TYPES = ("LoadBalancer", "NodePort")


class EntryPoint(Struct, frozen=True):
    """Where traffic enters on its way to a Service port.

    `kind`: LoadBalancer or NodePort (the Service itself, at the port's nodePort or port), ExternalIP (the
    Service's spec.externalIPs), Ingress (an Ingress backend naming the Service) or Route (a Gateway API route's
    backendRef; `listeners` are the listeners of Gateways in the run its parentRefs name)."""

    kind: str
    resource: Resource
    path: FieldPath
    listeners: tuple[Listener, ...] = ()


class PodHop(Struct, frozen=True):
    """The pods of one pod template behind a Service port, and the NetworkPolicies in their way."""

    template: PodTemplate
    port: ContainerPort | None  # the container port the targetPort names or numbers, when declared
    number: int | None  # the port the pods listen on, when known
    policies: tuple[NetworkPolicy, ...]  # those that isolate these pods for ingress
    # Clients outside the cluster (or node addresses): True when no policy isolates the pods, the admitting
    # ingress rule, False when no rule admits them, None when that is not known (a selector or a named port
    # svclint cannot resolve).
    outside: IngressRule | bool | None


class ServicePortPath(Struct, frozen=True):
    service: Resource
    index: int  # in spec.ports
    port: int | None
    target: int | str | None  # targetPort as written (defaults to port)
    protocol: str
    entries: tuple[EntryPoint, ...]
    pods: tuple[PodHop, ...]  # Services with a selector
    endpoint_sets: tuple[EndpointSet, ...]  # Services without one: EndpointSlices and Endpoints of the run

    @property
    def path(self) -> FieldPath:
        return ("spec", "ports", self.index)


def service_paths(inventory: Inventory, service: Resource) -> list[ServicePortPath]:
    """One path per port of the Service, from its entry points to its pods."""
    spec = service.data.get("spec")
    if not isinstance(spec, dict):
        return []
    ports = spec.get("ports")
    selector = spec.get("selector")
    templates: list[PodTemplate] = []
    if isinstance(selector, dict) and selector:
        templates = nearest_scope(
            inventory.matching_templates(service.namespace, selector, near=service.path), service.path
        )
    sets = tuple(inventory.paths.endpoint_sets(service.namespace, service.name)) if not selector else ()
    found: list[ServicePortPath] = []
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        if not isinstance(port, dict):
            continue
        number = port.get("port") if isinstance(port.get("port"), int) else None
        target = port.get("targetPort")
        target = number if target in (None, 0, "") else target
        written = port.get("protocol")
        protocol = written if isinstance(written, str) and written else "TCP"
        pods = tuple(_pod_hop(inventory, t, target, protocol) for t in templates)
        entries = tuple(_entries(inventory, service, spec, index, port))
        found.append(ServicePortPath(service, index, number, target, protocol, entries, pods, sets))
    return found


def pod_port(template: PodTemplate, target: Any, protocol: str) -> tuple[ContainerPort | None, int | None]:
    """The container port a Service's targetPort reaches in these pods, and its number when known."""
    if isinstance(target, str) and not target.isdigit():
        named = next((p for p in template.ports if p.name == target and p.protocol == protocol), None)
        return named, named.number if named is not None else None
    number = int(target) if isinstance(target, (int, str)) and not isinstance(target, bool) else None
    declared = next((p for p in template.ports if p.number == number and p.protocol == protocol), None)
    return declared, number


def outside_verdict(
    inventory: Inventory, template: PodTemplate, target: Any, protocol: str
) -> tuple[tuple[NetworkPolicy, ...], IngressRule | bool | None]:
    """The policies isolating the template's pods for ingress, and whether they admit outside clients to the
    target port (see PodHop.outside)."""
    isolating = inventory.paths.isolating(template.resource.namespace, template.labels)
    if isolating is None:
        return (), None
    if not isolating:
        return (), True
    port, number = pod_port(template, target, protocol)
    name = port.name if port is not None else (target if isinstance(target, str) and not target.isdigit() else None)
    verdicts = [policy.outside_admission(number, name, protocol) for policy in isolating]
    admitting = next((v for v in verdicts if isinstance(v, IngressRule)), None)
    if admitting is not None:
        return tuple(isolating), admitting
    return tuple(isolating), None if None in verdicts else False


def controller_verdict(
    inventory: Inventory, template: PodTemplate, target: Any, protocol: str, sources: tuple[TrafficSource, ...]
) -> tuple[tuple[NetworkPolicy, ...], IngressRule | bool | None]:
    """The policies isolating the template's pods for ingress, and whether they admit the pods an Ingress or a
    Gateway route sends its traffic from (`controller_sources`) to the target port: the admitting rule, True when
    no policy isolates the pods, False when no rule admits any of the sources, None when that is not known (no
    source in view, or a selector, a named port, a Namespace's labels or an ipBlock would decide)."""
    isolating = inventory.paths.isolating(template.resource.namespace, template.labels)
    if isolating is None or not sources:
        return (), None
    if not isolating:
        return (), True
    port, number = pod_port(template, target, protocol)
    name = port.name if port is not None else (target if isinstance(target, str) and not target.isdigit() else None)
    unknown = False
    for source in sources:
        if source.host_network:
            unknown = True  # what a peer matches of a host-network pod is up to the network plugin
            continue
        for policy in isolating:
            verdict = policy.pod_admission(
                number, name, protocol, (source.namespace, source.labels), inventory.paths.namespace_selected
            )
            if isinstance(verdict, IngressRule):
                return tuple(isolating), verdict
            unknown = unknown or verdict is None
    return tuple(isolating), None if unknown else False


def entry_points(inventory: Inventory, service: Resource, index: int) -> list[EntryPoint]:
    """The entry points of one port of the Service (spec.ports[index])."""
    spec = service.data.get("spec")
    ports = spec.get("ports") if isinstance(spec, dict) else None
    if not isinstance(ports, list) or not 0 <= index < len(ports) or not isinstance(ports[index], dict):
        return []
    assert isinstance(spec, dict)
    return _entries(inventory, service, spec, index, ports[index])


def _pod_hop(inventory: Inventory, template: PodTemplate, target: Any, protocol: str) -> PodHop:
    port, number = pod_port(template, target, protocol)
    policies, outside = outside_verdict(inventory, template, target, protocol)
    return PodHop(template, port, number, policies, outside)


def _entries(
    inventory: Inventory, service: Resource, spec: dict[str, Any], index: int, port: dict[str, Any]
) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    kind = spec.get("type")
    if kind in DIRECT_TYPES:
        field_name = "nodePort" if "nodePort" in port else "port"
        found.append(EntryPoint(str(kind), service, ("spec", "ports", index, field_name)))
    external = spec.get("externalIPs")
    for i, _ in enumerate(external if isinstance(external, list) else ()):
        found.append(EntryPoint("ExternalIP", service, ("spec", "externalIPs", i)))
    for use in inventory.backends.get((service.namespace, service.name), ()):
        if use.resource.kind == "Ingress":
            if _ingress_port_matches(use.resource, use.path, port):
                found.append(EntryPoint("Ingress", use.resource, use.path))
            continue
        found.extend(_route_entries(inventory, use, port))
    return found


def _route_entries(inventory: Inventory, use: BackendUse, port: dict[str, Any]) -> list[EntryPoint]:
    """The entry points of a route's backend reference to this Service port: one per matching backend, with
    the listeners of the Gateways the route attaches to."""
    route = inventory.paths.route_of(use.resource)
    if route is None:
        return []
    found: list[EntryPoint] = []
    for backend in route.backends:
        if backend.path == use.path[:-1] and _port_matches(backend.port, port):
            listeners = tuple(
                listener
                for parent in route.parents
                for gateway in (inventory.paths.parent_gateways(parent) or ())[:1]
                for listener in gateway.listeners
                if parent.section_name in (None, listener.name)
            )
            found.append(EntryPoint("Route", use.resource, backend.path, listeners))
    return found


def _ingress_port_matches(ingress: Resource, name_path: FieldPath, port: dict[str, Any]) -> bool:
    for cut in range(len(name_path), 0, -1):
        reference = backend_reference(ingress.get(name_path[:cut]))
        if reference is not None:
            return _port_matches(reference[1], port)
    return True


def _port_matches(wanted: Any, port: dict[str, Any]) -> bool:
    """Whether a backend's port (a number, a port name, or None: not given) names this Service port."""
    if wanted is None:
        return True
    if isinstance(wanted, str):
        return wanted == port.get("name")
    return bool(wanted == port.get("port"))
