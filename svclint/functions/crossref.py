"""Checks between objects, asked of the inventory: target ports, node-port collisions, Ingress backends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from msgspec import Struct

from svclint.core.model import format_field_path
from svclint.engine.api import CheckContext, CheckFunction, NoOptions, Related, Target, Violation, register
from svclint.functions.values import is_integer
from svclint.input.document import Resource
from svclint.inventory.evidence import service_maker
from svclint.inventory.index import ContainerPort, PodTemplate, nearest_scope
from svclint.inventory.routing import backend_reference

GCE_CLASSES = frozenset({"gce", "gce-internal"})
NEG_ANNOTATION = "cloud.google.com/neg"


class _TargetPortCheck(CheckFunction[NoOptions, NoOptions]):
    """A Service port's targetPort against the pod templates the Service selects."""

    provides = frozenset({"reason", "target", "protocol"})
    needs_inventory = True
    accepts = frozenset({"mapping"})  # an item of spec.ports

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        port: dict[str, Any] = target.value
        service = context.resource
        selector = service.get(("spec", "selector"))
        if not isinstance(selector, dict) or not selector:
            return
        matched = nearest_scope(
            context.inventory.matching_templates(service.namespace, selector, near=service.path), service.path
        )
        if not matched:
            return
        protocol = port.get("protocol") or "TCP"
        wanted = port.get("targetPort")
        path = (*target.path, "targetPort")
        if wanted in (None, 0, ""):
            wanted, path = port.get("port"), (*target.path, "port")
        yield from self.compare(wanted, protocol, matched, path)

    def compare(
        self, wanted: Any, protocol: str, matched: list[PodTemplate], path: tuple[Any, ...]
    ) -> Iterable[Violation]:
        raise NotImplementedError


_SELECTED_TEMPLATES = (
    "For a Service port (the target is one item of spec.ports), looks at the pod templates the Service selects, "
    "preferring those in the Service's own file, then its folder (all-in-one manifests). "
)
_SILENT_UNSELECTED = " Silent when nothing is selected (the selector rules speak then)."


@register
class TargetPortNameDeclared(_TargetPortCheck):
    name = "targetPortNameDeclared"
    description = (
        _SELECTED_TEMPLATES + "A named targetPort must be a container port name, with the same protocol, in every "
        "selected template." + _SILENT_UNSELECTED
    )

    def compare(
        self, wanted: Any, protocol: str, matched: list[PodTemplate], path: tuple[Any, ...]
    ) -> Iterable[Violation]:
        if isinstance(wanted, str) and not wanted.isdigit():
            yield from _named(wanted, protocol, matched, path)


@register
class TargetPortNumberDeclared(_TargetPortCheck):
    name = "targetPortNumberDeclared"
    description = (
        _SELECTED_TEMPLATES + "A numeric targetPort (or port, when targetPort is absent) should be a declared "
        "containerPort of some selected template; only checked when those templates declare ports at all, and not "
        "when a container's command, args or env name the number." + _SILENT_UNSELECTED
    )

    def compare(
        self, wanted: Any, protocol: str, matched: list[PodTemplate], path: tuple[Any, ...]
    ) -> Iterable[Violation]:
        if isinstance(wanted, int) and not isinstance(wanted, bool):
            yield from _numeric(wanted, protocol, matched, path)


def _named(name: str, protocol: str, matched: list[PodTemplate], path: tuple[Any, ...]) -> Iterable[Violation]:
    """One violation per Service port, naming every selected template that lacks the port (related locations)."""
    reasons: list[str] = []
    related: list[Related] = []
    seen: set[str] = set()
    for template in matched:
        same_name = [p for p in template.ports if p.name == name]
        if any(p.protocol == protocol for p in same_name):
            continue
        if same_name:
            reasons.append(f'{template.describe()} declares "{name}" for {same_name[0].protocol}, not {protocol}')
            related.append(
                Related(template.resource, same_name[0].path, f"container port {name} of {template.describe()}")
            )
        else:
            names = sorted({p.name for p in template.ports if p.name})
            known = f"declares {', '.join(names)}" if names else "declares no named ports"
            reason = f"{template.describe()} ({known})"
            if reason in seen:
                continue  # the same workload defined in several files (alternative overlays)
            seen.add(reason)
            reasons.append(reason)
            related.append(
                Related(template.resource, _containers_path(template), f"containers of {template.describe()}")
            )
    if not reasons:
        return
    shown = reasons[:3] + ([f"{len(reasons) - 3} more"] if len(reasons) > 3 else [])
    lacking = "all selected pods lack it" if len(reasons) == len(matched) else "some selected pods lack it"
    yield Violation(
        path=path,
        variables={"reason": f"{lacking}: " + "; ".join(shown), "target": name, "protocol": protocol},
        related=tuple(related[:10]),
    )


def _numeric(number: int, protocol: str, matched: list[PodTemplate], path: tuple[Any, ...]) -> Iterable[Violation]:
    declaring = [t for t in matched if t.ports]
    if not declaring:
        return  # no container declares any port: nothing to compare with
    if any(p.number == number and p.protocol == protocol for t in matched for p in t.ports):
        return
    if any(t.mentions_port(number) for t in matched):
        return  # the container is told to listen there (`--port 18080`): undeclared, not wrong
    first = declaring[0]
    declared = ", ".join(_describe_port(p) for p in first.ports)
    yield Violation(
        path=path,
        variables={
            "reason": f"{first.describe()} declares {declared}",
            "target": number,
            "protocol": protocol,
        },
        related=(Related(first.resource, first.ports[0].path, f"container ports of {first.describe()}"),),
    )


def _describe_port(port: ContainerPort) -> str:
    text = f"{port.number}/{port.protocol}"
    return f"{port.name} ({text})" if port.name else text


def _containers_path(template: PodTemplate) -> tuple[Any, ...]:
    return (*template.template_path, "spec", "containers")


@register
class NodePortCollision(CheckFunction[NoOptions, NoOptions]):
    name = "nodePortCollision"
    description = (
        "The node port (a nodePort or healthCheckNodePort) is not claimed by another Service of the run, in any "
        "namespace: the allocator is cluster-wide. Reported at the later claim (in file order, then document "
        "order), with the first claim as a related location. Two definitions of the same Service (same namespace "
        "and name, as in alternative overlays) do not collide."
    )
    needs_inventory = True
    provides = frozenset({"other", "otherField"})

    accepts = frozenset({"integer"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        claims = context.inventory.nodeport_claims
        mine = claims.claim_at(context.resource, target.path)
        if mine is None:
            return  # not allocated (a ClusterIP Service): other rules speak
        claim = claims.first_other(mine)
        if claim is not None:
            other = f"Service {claim.resource.namespace}/{claim.resource.name}"
            yield Violation(
                variables={"other": other, "otherField": format_field_path(claim.path)},
                related=(Related(claim.resource, claim.path, f"first claimed by {other}"),),
                identity=f"{claim.owner[0]}/{claim.owner[1]}",
            )


_INGRESS_BACKEND = (
    "For an Ingress backend (networking.k8s.io/v1 `service: {name, port}` or v1beta1 `serviceName`/`servicePort`): "
)


class BackendInView(Struct, frozen=True):
    """An Ingress backend, where its parts are, and the Service of the run it names (None when there is none)."""

    target: Target
    reference: tuple[str, Any, tuple[Any, ...], tuple[Any, ...]]  # name, port, and their paths in the backend
    service: Resource | None
    context: CheckContext

    @property
    def name(self) -> str:
        return self.reference[0]

    @property
    def port(self) -> Any:
        return self.reference[1]

    @property
    def name_path(self) -> tuple[Any, ...]:
        return (*self.target.path, *self.reference[2])

    @property
    def port_path(self) -> tuple[Any, ...]:
        return (*self.target.path, *self.reference[3])


class _IngressBackendCheck(CheckFunction[NoOptions, NoOptions]):
    """An Ingress backend against the Service it names, found near the Ingress in its namespace."""

    provides = frozenset({"service", "port", "reason"})
    needs_inventory = True
    accepts = frozenset({"mapping"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        reference = backend_reference(target.value)
        if reference is None:
            return
        ingress = context.resource
        service = context.inventory.service_near(ingress.namespace, reference[0], ingress.path)
        yield from self.compare(BackendInView(target, reference, service, context))

    def compare(self, backend: BackendInView) -> Iterable[Violation]:
        raise NotImplementedError


@register
class IngressBackendService(_IngressBackendCheck):
    name = "ingressBackendService"
    description = (
        _INGRESS_BACKEND + "the Service exists in the Ingress's namespace (silent when the run holds no Service "
        "there, or an operator's object or Gateway of that namespace is named like the Service, `<name>` or "
        "`<name>-...`: its controller makes it)."
    )

    def compare(self, backend: BackendInView) -> Iterable[Violation]:
        inventory = backend.context.inventory
        namespace, name = backend.context.resource.namespace, backend.name
        if backend.service is not None or not inventory.services.get(namespace):
            return
        if service_maker(inventory, namespace, name) is not None:
            return  # an operator or Gateway controller makes it
        elsewhere = [ns for ns, services in sorted(inventory.services.items()) if name in services]
        reason = f"no Service {name} in namespace {namespace}"
        related: tuple[Related, ...] = ()
        if elsewhere:
            other = inventory.services[elsewhere[0]][name][0]
            reason += f"; there is one in namespace {elsewhere[0]}, but an Ingress routes to its own namespace"
            related = (Related(other, ("metadata", "name"), f"Service {elsewhere[0]}/{name}"),)
        yield Violation(
            path=backend.name_path,
            variables={"service": name, "port": _show(backend.port), "reason": reason},
            related=related,
        )


@register
class IngressBackendServicePort(_IngressBackendCheck):
    name = "ingressBackendServicePort"
    description = _INGRESS_BACKEND + "the Service it names has the port, by number or by name."

    def compare(self, backend: BackendInView) -> Iterable[Violation]:
        if backend.service is not None and backend.port is not None:
            yield from _missing_port(backend.service, backend.name, backend.port, backend.port_path)


@register
class GceIngressBackendNeg(_IngressBackendCheck):
    name = "gceIngressBackendNeg"
    description = (
        _INGRESS_BACKEND + "on the gce and gce-internal ingress classes, a ClusterIP backend Service has the "
        "cloud.google.com/neg annotation (container-native load balancing)."
    )

    def compare(self, backend: BackendInView) -> Iterable[Violation]:
        service = backend.service
        if service is None or ingress_class(backend.context.resource) not in GCE_CLASSES:
            return
        spec = service.data.get("spec")
        kind = spec.get("type") if isinstance(spec, dict) else None
        annotations = service.get(("metadata", "annotations"))
        has_neg = isinstance(annotations, dict) and NEG_ANNOTATION in annotations
        if kind in (None, "", "ClusterIP") and not has_neg:
            yield Violation(
                path=backend.name_path,
                variables={"service": backend.name, "port": _show(backend.port), "reason": ""},
                related=(
                    Related(
                        service, ("metadata", "name"), f"Service {backend.context.resource.namespace}/{backend.name}"
                    ),
                ),
            )


def _missing_port(service: Resource, name: str, port: Any, path: tuple[Any, ...]) -> Iterable[Violation]:
    ports = service.get(("spec", "ports"))
    ports = [p for p in ports if isinstance(p, dict)] if isinstance(ports, list) else []
    if is_integer(port):
        if any(p.get("port") == port for p in ports):
            return
    elif isinstance(port, str):
        if any(p.get("name") == port for p in ports):
            return
    else:
        return
    offered = ", ".join(f"{p.get('name')} ({p.get('port')})" if p.get("name") else str(p.get("port")) for p in ports)
    yield Violation(
        path=path,
        variables={
            "service": name,
            "port": _show(port),
            "reason": f"Service {service.namespace}/{name} offers {offered or 'no ports'}",
        },
        related=(Related(service, ("spec", "ports"), f"ports of Service {service.namespace}/{name}"),),
    )


def _show(port: Any) -> str:
    return "" if port is None else str(port)


def ingress_class(ingress: Resource) -> str | None:
    """The class from spec.ingressClassName or the older kubernetes.io/ingress.class annotation."""
    name = ingress.get(("spec", "ingressClassName"))
    if isinstance(name, str) and name:
        return name
    annotations = ingress.get(("metadata", "annotations"))
    if isinstance(annotations, dict):
        value = annotations.get("kubernetes.io/ingress.class")
        if isinstance(value, str):
            return value
    return None


class NotBehindEntryPointOptions(TypedDict):
    values: list[str]


@register
class NotBehindEntryPoint(CheckFunction[NotBehindEntryPointOptions, NotBehindEntryPointOptions]):
    name = "notBehindEntryPoint"
    description = (
        "The value (a Service's spec.type) is one of `values`, and no Ingress backend or Gateway API route "
        "backendRef of the run names the Service: a Service that already sits behind such an entry point (a NodePort "
        "behind a GCE Ingress without container-native load balancing, say) is not reached by clients directly. "
        "Nor is a Service whose selected pods run an Ingress or Gateway controller (their service account is bound "
        "to a Role or ClusterRole of the run that lists or watches Ingresses, Gateways or routes): it is the entry "
        "point, as an ingress controller's NodePort Service on bare metal is."
    )
    options_schema = {
        "type": "object",
        "properties": {"values": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
        "required": ["values"],
        "additionalProperties": False,
    }
    needs_inventory = True
    accepts = frozenset({"string"})

    def check(self, target: Target, options: NotBehindEntryPointOptions, context: CheckContext) -> Iterable[Violation]:
        if target.value not in options["values"]:
            return
        service = context.resource
        inventory = context.inventory
        if inventory.backends.get((service.namespace, service.name)):
            return
        selector = service.get(("spec", "selector"))
        if isinstance(selector, dict) and selector:
            selected = inventory.matching_templates(service.namespace, selector, near=service.path)
            if any(inventory.runs_routing_controller(template) for template in selected):
                return  # the Service of an Ingress or Gateway controller: the entry point itself
        yield Violation()
