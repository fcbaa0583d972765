"""Which Services the Ingresses and Gateway API routes of a run send traffic to. Routes are read by the path
model (`svclint.inventory.paths.gateway`); this module turns their Service backendRefs into backend uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.paths.gateway import Route, is_route, read_route

# Where an Ingress names its backends: the default backend (v1 and v1beta1), and each path rule's backend.
INGRESS_BACKEND_PATHS: tuple[FieldPath, ...] = (("spec", "defaultBackend"), ("spec", "backend"))


class BackendUse(Struct, frozen=True):
    """An Ingress or route that sends traffic to a Service: the Service's identity and where it is named."""

    namespace: str
    service: str
    resource: Resource
    path: FieldPath  # to the backend's Service name inside the Ingress or route


def backend_uses(resource: Resource) -> Iterator[BackendUse]:
    """The Services an Ingress or a Gateway API route sends traffic to."""
    if resource.kind == "Ingress":
        yield from _ingress_uses(resource)
    elif is_route(resource):
        yield from route_uses(read_route(resource))


def _ingress_uses(ingress: Resource) -> Iterator[BackendUse]:
    places: list[FieldPath] = list(INGRESS_BACKEND_PATHS)
    rules = ingress.get(("spec", "rules"))
    for r, rule in enumerate(rules if isinstance(rules, list) else ()):
        http = rule.get("http") if isinstance(rule, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        count = len(paths) if isinstance(paths, list) else 0
        places.extend(("spec", "rules", r, "http", "paths", p, "backend") for p in range(count))
    for place in places:
        reference = backend_reference(ingress.get(place))
        if reference is not None:
            yield BackendUse(ingress.namespace, reference[0], ingress, (*place, *reference[2]))


def route_uses(route: Route) -> Iterator[BackendUse]:
    """The Services a route's backendRefs name (group "" and kind Service, the defaults)."""
    for backend in route.backends:
        if backend.is_service:
            yield BackendUse(backend.namespace, backend.name, route.resource, (*backend.path, "name"))


def backend_reference(backend: Any) -> tuple[str, Any, tuple[str, ...], tuple[str, ...]] | None:
    """(service name, port number or name, path to the name, path to the port) of an Ingress backend, or None."""
    if not isinstance(backend, dict):
        return None
    service = backend.get("service")
    if isinstance(service, dict) and isinstance(service.get("name"), str):
        port = service.get("port")
        if isinstance(port, dict):
            if port.get("number") is not None:
                return service["name"], port["number"], ("service", "name"), ("service", "port", "number")
            if port.get("name") is not None:
                return service["name"], port["name"], ("service", "name"), ("service", "port", "name")
        return service["name"], None, ("service", "name"), ("service", "port")
    if isinstance(backend.get("serviceName"), str):  # extensions/v1beta1 and networking.k8s.io/v1beta1
        return backend["serviceName"], backend.get("servicePort"), ("serviceName",), ("servicePort",)
    return None
