"""Checks of endpoints written by hand: EndpointSlices (tied to their Service by the kubernetes.io/service-name
label) and legacy v1 Endpoints (named like their Service)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.input.document import Resource
from svclint.inventory.evidence import service_in_view, service_maker, services_in_view
from svclint.inventory.paths.endpoints import SERVICE_NAME_LABEL
from svclint.k8s.validation import dns1123_subdomain, ip_address, parse_ip, special_ip


def endpoint_address_problems(address: str, address_type: str) -> list[str]:
    """The API server's objections to an endpoint address: it parses as the slice's addressType says
    (discovery validation), and an IP is not unspecified, loopback, link-local or link-local multicast
    (ValidateEndpointIP). v1 Endpoints addresses are IPs of either family."""
    if address_type == "FQDN":
        return dns1123_subdomain(address)
    problems = ip_address(address)
    parsed = parse_ip(address)
    if problems or parsed is None:
        return problems
    if address_type == "IPv4" and parsed.version != 4:
        return ["must be an IPv4 address (the slice's addressType is IPv4)"]
    if address_type == "IPv6" and parsed.version != 6:
        return ["must be an IPv6 address (the slice's addressType is IPv6)"]
    return special_ip(address)


def owning_service(resource: Resource) -> tuple[str | None, tuple[str, ...]]:
    """The Service an EndpointSlice (by label) or v1 Endpoints (by name) belongs to, and where that is written."""
    if resource.kind == "Endpoints":
        return resource.name, ("metadata", "name")
    labels = resource.get(("metadata", "labels"))
    name = labels.get(SERVICE_NAME_LABEL) if isinstance(labels, dict) else None
    return (name if isinstance(name, str) and name else None), ("metadata", "labels", SERVICE_NAME_LABEL)


@register
class EndpointAddress(CheckFunction[NoOptions, NoOptions]):
    name = "endpointAddress"
    description = (
        "An endpoint address is valid for its object: in an EndpointSlice, for the slice's `addressType` (IPv4, "
        "IPv6, or FQDN: a DNS-1123 subdomain); in v1 Endpoints, an IP. IPs may not be unspecified, loopback, "
        "link-local (the cloud metadata address 169.254.169.254 among them) or link-local multicast: the API "
        "server rejects the object (ValidateEndpointIP)."
    )
    provides = frozenset({"reason"})

    accepts = frozenset({"string"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        resource = context.resource
        address_type = resource.get(("addressType",)) if resource.kind == "EndpointSlice" else "IP"
        if address_type not in ("IPv4", "IPv6", "FQDN", "IP"):
            return  # an unknown addressType is the schema's business
        problems = endpoint_address_problems(target.value, str(address_type))
        if problems:
            yield Violation(variables={"reason": "; ".join(problems)})


@register
class EndpointsService(CheckFunction[NoOptions, NoOptions]):
    name = "endpointsService"
    description = (
        "The Service an EndpointSlice (its `kubernetes.io/service-name` label) or v1 Endpoints object (its name) "
        "belongs to exists in its namespace. Silent when the run defines no Service of that namespace in view (as "
        "for backendRefService), when an "
        "operator's object or Gateway there is named like it, and for a slice without the label (not tied to a "
        "Service)."
    )
    provides = frozenset({"service", "reason"})
    needs_inventory = True

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        resource = context.resource
        service, path = owning_service(resource)
        inventory = context.inventory
        namespace = resource.namespace
        if service is None or inventory.service(namespace, service) is not None:
            return
        if not services_in_view(inventory, namespace, resource.path):
            return
        if service_maker(inventory, namespace, service) is not None:
            return
        names = sorted(inventory.services[namespace])
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        reason = f"namespace {namespace} has Services {shown}, not {service}"
        yield Violation(path=path, variables={"service": service, "reason": reason})


@register
class EndpointPortName(CheckFunction[NoOptions, NoOptions]):
    name = "endpointPortName"
    description = (
        "A port of an EndpointSlice or of a v1 Endpoints subset has the name of one of its Service's ports (an "
        'unnamed port is "", like the single unnamed port of a Service): kube-proxy pairs Service ports with '
        "endpoint ports by name, so a port under another name carries no traffic. Silent when the Service is not "
        "in the run."
    )
    provides = frozenset({"service", "reason"})
    needs_inventory = True

    accepts = frozenset({"mapping"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        port: dict[str, Any] = target.value
        resource = context.resource
        service_name, _ = owning_service(resource)
        if service_name is None:
            return
        service = service_in_view(context.inventory, resource.namespace, service_name, resource.path)
        if service is None:
            return
        ports = service.get(("spec", "ports"))
        names = [p.get("name") or "" for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
        name = port.get("name") or ""
        if name in names:
            return
        shown = ", ".join(f'"{n}"' for n in names) or "none"
        reason = f'this port is named "{name}"; Service {service.namespace}/{service.name} names its ports {shown}'
        yield Violation(
            path=(*target.path, "name") if "name" in port else target.path,
            variables={"service": service_name, "reason": reason},
            related=(Related(service, ("spec", "ports"), f"ports of Service {service.namespace}/{service.name}"),),
        )
