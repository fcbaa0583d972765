"""Gateway API objects as the path model reads them: Gateways and their listeners, routes with their parentRefs
and backendRefs, and ReferenceGrants (gateway.networking.k8s.io, every version in use: v1, v1beta1, v1alpha2,
v1alpha3)."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.paths.hostnames import intersects, is_hostname
from svclint.inventory.paths.labels import LabelSelector

GATEWAY_GROUP = "gateway.networking.k8s.io"
ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"})

# The route kinds a listener of each core protocol can carry (Gateway API spec, Listener.Protocol and
# AllowedRoutes.Kinds: "When unspecified or empty, the kinds of Routes selected are determined using the Listener
# protocol"). GRPCRoute rides HTTP/2, with TLS (HTTPS) or without (HTTP, h2c); TCPRoute can sit behind a TLS
# listener that terminates TLS. Other protocols are implementation-specific: what they carry is not known.
PROTOCOL_ROUTE_KINDS: dict[str, frozenset[str]] = {
    "HTTP": frozenset({"HTTPRoute", "GRPCRoute"}),
    "HTTPS": frozenset({"HTTPRoute", "GRPCRoute"}),
    "TLS": frozenset({"TLSRoute", "TCPRoute"}),
    "TCP": frozenset({"TCPRoute"}),
    "UDP": frozenset({"UDPRoute"}),
}
# The protocols whose listeners match a request's hostname (HTTP Host header, TLS SNI): Listener.Hostname "is
# ignored for protocols that don't require hostname based matching" (TCP, UDP). And the route kinds that carry
# `hostnames`.
HOSTNAME_PROTOCOLS = frozenset({"HTTP", "HTTPS", "TLS"})
HOSTNAME_ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TLSRoute"})


class Listener(Struct, frozen=True):
    gateway: Resource
    index: int
    name: str
    protocol: str
    port: int | None
    kinds: frozenset[str] | None  # allowedRoutes.kinds of this API group; None: decided by the protocol
    namespaces_from: str  # allowedRoutes.namespaces.from: Same (the default), All or Selector
    namespace_selector: LabelSelector | None = None  # allowedRoutes.namespaces.selector, with from: Selector
    hostname: str | None = None  # as written; None when absent (every hostname)

    @property
    def path(self) -> FieldPath:
        return ("spec", "listeners", self.index)

    def describe(self) -> str:
        return f"listener {self.name} ({self.protocol}) of Gateway {self.gateway.namespace}/{self.gateway.name}"

    def accepted_kinds(self) -> frozenset[str] | None:
        """The route kinds that can attach here; None for protocols the spec leaves to implementations."""
        by_protocol = PROTOCOL_ROUTE_KINDS.get(self.protocol)
        if self.kinds is None:
            return by_protocol
        return self.kinds if by_protocol is None else self.kinds & by_protocol

    def carries(self, route_kind: str) -> bool | None:
        accepted = self.accepted_kinds()
        return None if accepted is None else route_kind in accepted

    def admits_namespace(self, namespace: str) -> bool | None:
        """Whether routes of that namespace may attach; None when a namespace selector decides (labels of
        Namespace objects: `PathIndex.listener_admits` reads those the run holds)."""
        if self.namespaces_from == "All":
            return True
        if self.namespaces_from == "Same":
            return namespace == self.gateway.namespace
        return None

    def takes_hostnames(self, route_kind: str, hostnames: tuple[str, ...]) -> bool | None:
        """Whether a route with these `hostnames` can attach here (Gateway API, HTTPRoute.Hostnames: "If both the
        Listener and HTTPRoute have specified hostnames, and none match ... the HTTPRoute is not accepted"); None
        when a hostname is not a literal one (a template placeholder)."""
        if (
            self.hostname is None
            or not hostnames
            or self.protocol not in HOSTNAME_PROTOCOLS
            or route_kind not in HOSTNAME_ROUTE_KINDS
        ):
            return True
        if not is_hostname(self.hostname) or not all(is_hostname(h) for h in hostnames):
            return None
        return any(intersects(self.hostname, h) for h in hostnames)


class Gateway(Struct, frozen=True):
    resource: Resource
    listeners: tuple[Listener, ...]


class ParentRef(Struct, frozen=True):
    route: Resource
    path: FieldPath  # to the parentRefs item
    group: str
    kind: str
    namespace: str
    name: str
    section_name: str | None
    port: int | None

    @property
    def is_gateway(self) -> bool:
        return self.group == GATEWAY_GROUP and self.kind == "Gateway"


class BackendRef(Struct, frozen=True):
    route: Resource
    path: FieldPath  # to the backendRefs item
    group: str
    kind: str
    namespace: str  # the ref's namespace, else the route's
    name: str
    port: Any  # as written; None when absent
    explicit_namespace: bool

    @property
    def is_service(self) -> bool:
        return self.group == "" and self.kind == "Service"

    @property
    def crosses_namespace(self) -> bool:
        return self.explicit_namespace and self.namespace != self.route.namespace


class Route(Struct, frozen=True):
    resource: Resource
    parents: tuple[ParentRef, ...]
    backends: tuple[BackendRef, ...]
    hostnames: tuple[str, ...] = ()  # spec.hostnames (HTTPRoute, GRPCRoute, TLSRoute); () when absent

    @property
    def kind(self) -> str:
        return self.resource.kind


class GrantFrom(Struct, frozen=True):
    group: str
    kind: str
    namespace: str


class GrantTo(Struct, frozen=True):
    group: str
    kind: str
    name: str | None  # None: every object of the kind


class ReferenceGrant(Struct, frozen=True):
    resource: Resource
    sources: tuple[GrantFrom, ...]
    targets: tuple[GrantTo, ...]

    def allows(self, backend: BackendRef) -> bool:
        """Whether this grant, in the backend's namespace, lets the backend's route refer to it."""
        if self.resource.namespace != backend.namespace:
            return False
        route = backend.route
        source = GrantFrom(GATEWAY_GROUP, route.kind, route.namespace)
        if source not in self.sources:
            return False
        return any(
            t.group == backend.group and t.kind == backend.kind and t.name in (None, backend.name) for t in self.targets
        )


def read_gateway(resource: Resource) -> Gateway:
    listeners = resource.get(("spec", "listeners"))
    found: list[Listener] = []
    for index, item in enumerate(listeners if isinstance(listeners, list) else ()):
        if not isinstance(item, dict):
            continue
        name, protocol, port = item.get("name"), item.get("protocol"), item.get("port")
        allowed = item.get("allowedRoutes")
        allowed = allowed if isinstance(allowed, dict) else {}
        namespaces = allowed.get("namespaces")
        namespaces = namespaces if isinstance(namespaces, dict) else {}
        source = namespaces.get("from")
        hostname = item.get("hostname")
        found.append(
            Listener(
                resource,
                index,
                name if isinstance(name, str) else "",
                protocol if isinstance(protocol, str) else "",
                port if isinstance(port, int) and not isinstance(port, bool) else None,
                _allowed_kinds(allowed.get("kinds")),
                source if isinstance(source, str) else "Same",
                LabelSelector.parse(namespaces.get("selector")) if source == "Selector" else None,
                hostname if isinstance(hostname, str) and hostname else None,
            )
        )
    return Gateway(resource, tuple(found))


def _allowed_kinds(kinds: Any) -> frozenset[str] | None:
    if not isinstance(kinds, list) or not kinds:
        return None
    return frozenset(
        k["kind"]
        for k in kinds
        if isinstance(k, dict)
        and isinstance(k.get("kind"), str)
        and _text(k.get("group"), GATEWAY_GROUP) == GATEWAY_GROUP
    )


def read_route(resource: Resource) -> Route:
    parents: list[ParentRef] = []
    refs = resource.get(("spec", "parentRefs"))
    for index, item in enumerate(refs if isinstance(refs, list) else ()):
        parent = parent_ref_at(resource, ("spec", "parentRefs", index), item)
        if parent is not None:
            parents.append(parent)
    backends: list[BackendRef] = []
    rules = resource.get(("spec", "rules"))
    for r, rule in enumerate(rules if isinstance(rules, list) else ()):
        items = rule.get("backendRefs") if isinstance(rule, dict) else None
        for b, item in enumerate(items if isinstance(items, list) else ()):
            backend = backend_ref_at(resource, ("spec", "rules", r, "backendRefs", b), item)
            if backend is not None:
                backends.append(backend)
    hostnames = resource.get(("spec", "hostnames"))
    written = tuple(str(h) for h in hostnames if isinstance(h, str)) if isinstance(hostnames, list) else ()
    return Route(resource, tuple(parents), tuple(backends), written)


def parent_ref_at(route: Resource, path: FieldPath, item: Any) -> ParentRef | None:
    """The parentRefs item at `path` of a route, with the API's defaults filled in."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    port, section = item.get("port"), item.get("sectionName")
    return ParentRef(
        route,
        path,
        _text(item.get("group"), GATEWAY_GROUP),
        _text(item.get("kind"), "Gateway"),
        _text(item.get("namespace"), route.namespace),
        item["name"],
        section if isinstance(section, str) else None,
        port if isinstance(port, int) and not isinstance(port, bool) else None,
    )


def backend_ref_at(route: Resource, path: FieldPath, item: Any) -> BackendRef | None:
    """The backendRefs item at `path` of a route, with the API's defaults filled in (group "", kind Service)."""
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    namespace = item.get("namespace")
    explicit = isinstance(namespace, str) and bool(namespace)
    return BackendRef(
        route,
        path,
        _text(item.get("group"), ""),
        _text(item.get("kind"), "Service"),
        namespace if isinstance(namespace, str) and namespace else route.namespace,
        item["name"],
        item.get("port"),
        explicit,
    )


def read_grant(resource: Resource) -> ReferenceGrant:
    spec = resource.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    sources = tuple(
        GrantFrom(_text(item.get("group"), ""), _text(item.get("kind"), ""), _text(item.get("namespace"), ""))
        for item in spec.get("from") or ()
        if isinstance(item, dict)
    )
    targets = tuple(
        GrantTo(
            _text(item.get("group"), ""),
            _text(item.get("kind"), ""),
            item["name"] if isinstance(item.get("name"), str) and item["name"] else None,
        )
        for item in spec.get("to") or ()
        if isinstance(item, dict)
    )
    return ReferenceGrant(resource, sources, targets)


def is_gateway_api(resource: Resource) -> bool:
    return resource.api_version.partition("/")[0] == GATEWAY_GROUP


def is_route(resource: Resource) -> bool:
    return resource.kind in ROUTE_KINDS and is_gateway_api(resource)


def is_gateway(resource: Resource) -> bool:
    return resource.kind == "Gateway" and is_gateway_api(resource)


def is_reference_grant(resource: Resource) -> bool:
    return resource.kind == "ReferenceGrant" and is_gateway_api(resource)


def _text(value: Any, default: str) -> str:
    """A string field with the API's default for absent or null (Go's zero value: an empty string is kept)."""
    return value if isinstance(value, str) else default
