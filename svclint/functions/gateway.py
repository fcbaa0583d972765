"""Checks of Gateway API routes against the path model: backendRefs to Services (existence, port, ReferenceGrant,
type) and parentRefs to the listeners of Gateways in the run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.functions.values import is_integer
from svclint.input.document import Resource
from svclint.inventory.evidence import service_in_view, service_maker, services_in_view
from svclint.inventory.index import Inventory
from svclint.inventory.paths.gateway import (
    BackendRef,
    Gateway,
    Listener,
    ParentRef,
    Route,
    backend_ref_at,
    parent_ref_at,
    read_route,
)
from svclint.inventory.paths.index import PathIndex

_BACKEND_VARIABLES = frozenset({"service", "namespace", "port", "reason"})


def _service_backend(target: Target, context: CheckContext) -> BackendRef | None:
    backend = backend_ref_at(context.resource, target.path, target.value)
    return backend if backend is not None and backend.is_service else None


def _variables(backend: BackendRef, reason: str) -> dict[str, Any]:
    port = "" if backend.port is None else str(backend.port)
    return {"service": backend.name, "namespace": backend.namespace, "port": port, "reason": reason}


def _target_service(inventory: Inventory, backend: BackendRef) -> Resource | None:
    return service_in_view(inventory, backend.namespace, backend.name, backend.route.path)


@register
class BackendRefService(CheckFunction[NoOptions, NoOptions]):
    name = "backendRefService"
    description = (
        'For a Gateway API route\'s backendRef that names a core Service (group "", kind Service or omitted): the '
        "Service exists in the ref's namespace, else the route's. Silent when the run defines no Service of that "
        "namespace in view (a namespace other than `default` anywhere; `default`, which unrelated projects share, "
        "only in the route's project: under its folder's parent), or when an operator's object or Gateway there is "
        "named like the Service (`<name>` or `<name>-...`: its controller makes it). A Service of that name in "
        "another namespace is named as a related location."
    )
    provides = _BACKEND_VARIABLES
    needs_inventory = True

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        backend = _service_backend(target, context)
        inventory = context.inventory
        if backend is None or inventory.service(backend.namespace, backend.name) is not None:
            return  # defined in the run (if only in another project: which one is meant is not known)
        if not services_in_view(inventory, backend.namespace, context.resource.path):
            return  # no Service of that namespace in view: no evidence
        if service_maker(inventory, backend.namespace, backend.name) is not None:
            return
        reason = f"no Service {backend.name} in namespace {backend.namespace}"
        related: tuple[Related, ...] = ()
        elsewhere = [ns for ns, services in sorted(inventory.services.items()) if backend.name in services]
        if elsewhere:
            other = inventory.services[elsewhere[0]][backend.name][0]
            reason += f"; there is one in namespace {elsewhere[0]} (a backendRef names it with `namespace:`)"
            related = (Related(other, ("metadata", "name"), f"Service {elsewhere[0]}/{backend.name}"),)
        yield Violation(path=(*target.path, "name"), variables=_variables(backend, reason), related=related)


@register
class BackendRefPortGiven(CheckFunction[NoOptions, NoOptions]):
    name = "backendRefPortGiven"
    description = (
        'A backendRef that names a core Service (group "" and kind Service, the defaults) gives `port`: the '
        'Gateway API CRDs reject it otherwise (CEL rule on BackendObjectReference: "Must have port for Service '
        'reference"). Reported at the backendRef.'
    )
    provides = _BACKEND_VARIABLES

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        backend = _service_backend(target, context)
        if backend is not None and backend.port is None:
            yield Violation(variables=_variables(backend, ""))


@register
class BackendRefServicePort(CheckFunction[NoOptions, NoOptions]):
    name = "backendRefServicePort"
    description = (
        "A backendRef's `port` is one of the `port` values of the Service it names (not a targetPort or a "
        "containerPort: a route addresses the Service, which forwards to the pods). Silent when the Service is not "
        "in the run."
    )
    provides = _BACKEND_VARIABLES
    needs_inventory = True

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        backend = _service_backend(target, context)
        if backend is None or not is_integer(backend.port):
            return
        service = _target_service(context.inventory, backend)
        if service is None or service.get(("spec", "type")) == "ExternalName":
            return  # an ExternalName Service forwards any port (and is another rule's business)
        ports = service.get(("spec", "ports"))
        ports = [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
        if any(p.get("port") == backend.port for p in ports):
            return
        offered = ", ".join(str(p.get("port")) for p in ports) or "no ports"
        reason = f"Service {service.namespace}/{service.name} offers {offered}"
        for p in ports:
            if p.get("targetPort") == backend.port:
                reason += f"; {backend.port} is the targetPort of its port {p.get('port')}: name that port instead"
                break
        yield Violation(
            path=(*target.path, "port"),
            variables=_variables(backend, reason),
            related=(Related(service, ("spec", "ports"), f"ports of Service {service.namespace}/{service.name}"),),
        )


@register
class BackendRefGranted(CheckFunction[NoOptions, NoOptions]):
    name = "backendRefGranted"
    description = (
        "A backendRef to an object in another namespace is allowed by a ReferenceGrant in that namespace whose "
        "`from` names the route's group, kind and namespace and whose `to` names the ref's group and kind (and "
        "its name, when the grant gives one). Silent when the route's namespace is not written in its manifest "
        "(or a kustomization sets it), and when the run holds neither a ReferenceGrant nor a Service of the target "
        "namespace in view (as for backendRefService)."
    )
    provides = _BACKEND_VARIABLES
    needs_inventory = True

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        backend = _service_backend(target, context)
        inventory = context.inventory
        if backend is None or not backend.crosses_namespace or not inventory.namespace_known(context.resource):
            return
        if _attached_to(backend):
            return  # a mesh consumer route (GAMMA) to the Service it is attached to: the producer's own frontend
        paths = inventory.paths
        if not services_in_view(inventory, backend.namespace, context.resource.path) and not paths.has_grants(
            backend.namespace
        ):
            return
        if paths.granting(backend) is not None:
            return
        grants = paths.grants.get(backend.namespace, [])
        route = context.resource
        reason = (
            f"no ReferenceGrant in namespace {backend.namespace} allows {route.kind} references from namespace "
            f"{route.namespace} to Service {backend.name}"
        )
        if grants:
            reason += " (the ReferenceGrants there allow other references)"
        related = tuple(
            Related(g.resource, ("spec",), f"ReferenceGrant {g.resource.namespace}/{g.resource.name}")
            for g in grants[:3]
        )
        yield Violation(path=(*target.path, "namespace"), variables=_variables(backend, reason), related=related)


def _attached_to(backend: BackendRef) -> bool:
    """Whether the route's parentRefs name the backend's Service itself (a GAMMA consumer route, which the
    Gateway API mesh conformance tests run across namespaces without a ReferenceGrant)."""
    route = read_route(backend.route)
    return any(
        parent.group == ""
        and parent.kind == "Service"
        and (parent.namespace, parent.name) == (backend.namespace, backend.name)
        for parent in route.parents
    )


class BackendRefServiceTypeOptions(TypedDict):
    types: list[str]


@register
class BackendRefServiceType(CheckFunction[BackendRefServiceTypeOptions, BackendRefServiceTypeOptions]):
    name = "backendRefServiceType"
    description = (
        "The Service a backendRef names is not of one of the `types` (ExternalName: implementations refuse it, "
        "since a route could otherwise reach any DNS name, CVE-2021-25740). Silent when the Service is not in the run."
    )
    options_schema = {
        "type": "object",
        "properties": {"types": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
        "required": ["types"],
        "additionalProperties": False,
    }
    provides = _BACKEND_VARIABLES | {"type"}
    needs_inventory = True

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(
        self, target: Target, options: BackendRefServiceTypeOptions, context: CheckContext
    ) -> Iterable[Violation]:
        backend = _service_backend(target, context)
        service = _target_service(context.inventory, backend) if backend is not None else None
        if backend is None or service is None:
            return
        kind = service.get(("spec", "type"))
        if kind in options["types"]:
            yield Violation(
                path=(*target.path, "name"),
                variables={**_variables(backend, ""), "type": kind},
                related=(Related(service, ("spec", "type"), f"type of Service {service.namespace}/{service.name}"),),
            )


@register
class ParentRefListener(CheckFunction[NoOptions, NoOptions]):
    name = "parentRefListener"
    description = (
        "A route's parentRef to a Gateway of the run (group gateway.networking.k8s.io, kind Gateway, the "
        "defaults) finds a listener the route can attach to: the one `sectionName` names (and on `port`, when "
        "given), whose protocol carries the route's kind (HTTP and HTTPS: HTTPRoute and GRPCRoute; TLS: TLSRoute "
        "and TCPRoute; TCP: TCPRoute; UDP: UDPRoute; `allowedRoutes.kinds` narrows that), whose "
        "`allowedRoutes.namespaces` admits the route's namespace (`Same`, the default: the Gateway's own; "
        "`Selector`: matched against the labels of the run's Namespace object and `kubernetes.io/metadata.name`) "
        "and whose `hostname` (HTTP, HTTPS, TLS) intersects one of the route's `hostnames` when both are given (a "
        "leading `*.` matches one or more labels). Silent when the Gateway is not in the run, for "
        "implementation-specific protocols, when a selector needs labels of a Namespace not in the run, for "
        "hostnames that are not literal, and for namespaces not written in the route's manifest."
    )
    provides = frozenset({"gateway", "reason"})
    needs_inventory = True

    accepts = frozenset({"mapping"})  # a backendRefs or parentRefs item

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        parent = parent_ref_at(context.resource, target.path, target.value)
        gateways = context.inventory.paths.parent_gateways(parent) if parent is not None else None
        if parent is None or not gateways:
            return
        namespace_known = context.inventory.namespace_known(context.resource)
        reasons = [_no_listener(context.inventory.paths, parent, gateway, namespace_known) for gateway in gateways]
        if any(reason is None for reason in reasons):
            return  # a definition of the Gateway (an alternative overlay, say) takes the route
        gateway = gateways[0]
        candidates = _candidates(parent, gateway) or list(gateway.listeners)
        related = tuple(Related(item.gateway, item.path, item.describe()) for item in candidates[:5])
        yield Violation(
            variables={"gateway": f"{gateway.resource.namespace}/{gateway.resource.name}", "reason": reasons[0]},
            related=related or (Related(gateway.resource, ("metadata", "name"), "the Gateway"),),
        )


def _candidates(parent: ParentRef, gateway: Gateway) -> list[Listener]:
    """The listeners the parentRef points at: by sectionName and port, when given."""
    return [
        listener
        for listener in gateway.listeners
        if parent.section_name in (None, listener.name) and parent.port in (None, listener.port)
    ]


def _no_listener(paths: PathIndex, parent: ParentRef, gateway: Gateway, namespace_known: bool) -> str | None:
    """Why no listener of the Gateway takes the route, or None when one may."""
    candidates = _candidates(parent, gateway)
    if not candidates:
        return _no_such_listener(parent, gateway)
    route = paths.route_of(parent.route) or read_route(parent.route)
    reasons: list[str] = []
    for listener in candidates:
        reason = _refusal(paths, listener, route, namespace_known)
        if reason is None:
            return None
        reasons.append(reason)
    return "; ".join(reasons)


def _no_such_listener(parent: ParentRef, gateway: Gateway) -> str:
    named = ", ".join(f"{item.name} ({item.protocol} {item.port})" for item in gateway.listeners) or "none"
    wanted = " ".join(
        part
        for part in (
            f"named {parent.section_name}" if parent.section_name is not None else "",
            f"on port {parent.port}" if parent.port is not None else "",
        )
        if part
    )
    return f"it has no listener {wanted}; its listeners are {named}"


def _refusal(paths: PathIndex, listener: Listener, route: Route, namespace_known: bool) -> str | None:
    """Why the listener does not take the route (its kind, its namespace, its hostnames), or None when it may."""
    kind, namespace = route.kind, route.resource.namespace
    if listener.carries(kind) is False:
        what = ", ".join(sorted(listener.accepted_kinds() or ())) or "no route kind"
        return f"listener {listener.name} ({listener.protocol}) takes {what}, not {kind}"
    if namespace_known and paths.listener_admits(listener, namespace) is False:
        return f"listener {listener.name} {_namespaces_admitted(listener)}, not {namespace}"
    if listener.takes_hostnames(kind, route.hostnames) is False:
        return (
            f"listener {listener.name} serves hostname {listener.hostname}, which none of the route's hostnames "
            f"({', '.join(route.hostnames)}) matches"
        )
    return None


def _namespaces_admitted(listener: Listener) -> str:
    if listener.namespaces_from == "Selector" and listener.namespace_selector is not None:
        return (
            "admits routes of namespaces labelled "
            f"{listener.namespace_selector.describe()} only (allowedRoutes.namespaces.from: Selector)"
        )
    return f"admits routes of namespace {listener.gateway.namespace} only (allowedRoutes.namespaces.from: Same)"
