"""The report's entries: each Service port's entry points from the path model, followed to the pods, with who
can reach them; then the pods that open ports on their nodes themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from svclint.core.model import Finding
from svclint.exposure import classes, reach
from svclint.exposure.attach import FindingIndex
from svclint.exposure.hostports import host_port_entries
from svclint.exposure.model import (
    ANYWHERE,
    BLOCKED,
    UNKNOWN,
    VIAS,
    Entry,
    ExposureReport,
    Hop,
    Place,
    Reach,
    Workload,
    as_port,
)
from svclint.input.document import Resource
from svclint.inventory.index import Inventory
from svclint.inventory.walk import EntryPoint, PodHop, ServicePortPath, service_paths


def build_report(inventories: Sequence[Inventory], findings: Sequence[Finding]) -> ExposureReport:
    """The entries of every inventory of a run: the objects checked as written, and each kustomize build."""
    index = FindingIndex(findings)
    entries: list[Entry] = []
    for inventory in inventories:
        # File by file: positions are read again from the files (see svclint.input.respan), a few at a time.
        services = [s for by_name in inventory.services.values() for defs in by_name.values() for s in defs]
        for service in sorted(services, key=lambda s: (s.path, s.document.index)):
            for port_path in service_paths(inventory, service):
                for entry_point in port_path.entries:
                    entries.extend(_entries(inventory, port_path, entry_point, index))
        entries.extend(host_port_entries(inventory, index))
    entries.sort(key=_presented)
    return ExposureReport(_nearest_definitions([e for e in entries if e.reported]))


def _presented(entry: Entry) -> tuple[Any, ...]:
    return (entry.namespace, entry.service or "", entry.address or "", entry.port or 0, VIAS.index(entry.via))


def _nearest_definitions(entries: list[Entry]) -> list[Entry]:
    """One entry per Ingress rule or route rule (and listener): when the Service or the Gateway it names is
    defined in several files (overlays, variants, copies), the definitions nearest to the rule's file count,
    as they do for selectors."""
    chosen: dict[tuple[Any, ...], Entry] = {}
    kept: list[Entry] = []
    for entry in entries:
        if entry.via not in ("Ingress", "Gateway"):
            kept.append(entry)
            continue
        listener = next((hop.text for hop in entry.hops if hop.kind == "listener"), None)
        key = (entry.via, entry.place, entry.address, entry.http_path, entry.port, entry.protocol, listener)
        best = chosen.get(key)
        if best is None:
            chosen[key] = entry
            kept.append(entry)
        elif _nearness(entry) > _nearness(best):
            kept[kept.index(best)] = chosen[key] = entry
    return kept


def _nearness(entry: Entry) -> int:
    """How much of its path the file of each hop shares with the entry's own file."""
    here = entry.place.path.split("/")
    total = 0
    for hop in entry.hops:
        if hop.place is not None and hop.kind in ("service", "listener"):
            there = hop.place.path.split("/")
            total += next(
                (i for i, (a, b) in enumerate(zip(here, there, strict=False)) if a != b), min(len(here), len(there))
            )
    return total


def _entries(inventory: Inventory, path: ServicePortPath, entry: EntryPoint, index: FindingIndex) -> Iterable[Entry]:
    service = path.service
    spec = service.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    port = spec["ports"][path.index]
    node_port = as_port(port.get("nodePort"))
    kind = entry.kind
    if kind == "LoadBalancer":
        yield _entry(
            inventory,
            path,
            "LoadBalancer",
            reach.load_balancer(service),
            None,
            node_port,
            index,
            [Hop("entry", f"load balancer port {path.port}/{path.protocol}", Place.of(service, ("spec", "type")))],
        )
        if spec.get("allocateLoadBalancerNodePorts") is not False:
            yield _node_port_entry(inventory, path, node_port, index)
    elif kind == "NodePort":
        yield _node_port_entry(inventory, path, node_port, index)
    elif kind == "ExternalIP":
        address = service.get(entry.path)
        hop = Hop("entry", f"external IP {address} port {path.port}/{path.protocol}", Place.of(service, entry.path))
        made = _entry(inventory, path, "ExternalIP", reach.external_ip(address), None, node_port, index, [hop])
        made.address = str(address)
        yield made
    elif kind == "Ingress":
        yield _ingress_entry(inventory, path, entry, index)
    elif kind == "Route":
        yield from _gateway_entries(inventory, path, entry, index)


def _node_port_entry(inventory: Inventory, path: ServicePortPath, node_port: int | None, index: FindingIndex) -> Entry:
    what = f"node port {node_port}" if node_port is not None else "the node port"
    judged = reach.node_port(inventory.firewall, path.protocol, node_port, what)
    place = Place.of(path.service, (*path.path, "nodePort"))
    hops = [Hop("entry", f"{what}/{path.protocol} on every node", place)]
    entry = _entry(inventory, path, "NodePort", judged, None, node_port, index, hops)
    firewall = inventory.firewall
    if firewall is not None and node_port is not None and firewall.rules:
        verdict = firewall.verdict(path.protocol.lower(), node_port)
        rule = verdict.deciding
        if rule is not None:
            hop = Hop("firewall", rule.describe(), Place.of(rule.resource, rule.path))
            entry.hops.insert(1, hop)
    return entry


def _ingress_entry(inventory: Inventory, path: ServicePortPath, entry: EntryPoint, index: FindingIndex) -> Entry:
    ingress = entry.resource
    rule_path = entry.path[:3] if entry.path[:2] == ("spec", "rules") else entry.path[:2]
    host = ingress.get((*rule_path, "host")) if rule_path[:2] == ("spec", "rules") else None
    http_path = ingress.get((*entry.path[:6], "path")) if len(entry.path) > 6 else None
    where = f"{host or '*'}{http_path if isinstance(http_path, str) else ''}"
    hop = Hop("ingress", f"Ingress {ingress.namespace}/{ingress.name} {where}", Place.of(ingress, rule_path))
    hop.findings = index.about(ingress, rule_path)
    made = _entry(inventory, path, "Ingress", classes.ingress(ingress), rule_path, None, index, [hop], ingress)
    made.address = host if isinstance(host, str) else "*"
    made.http_path = http_path if isinstance(http_path, str) else None
    return made


def _gateway_entries(
    inventory: Inventory, path: ServicePortPath, entry: EntryPoint, index: FindingIndex
) -> Iterable[Entry]:
    route = entry.resource
    rule_path = entry.path[:3]
    route_hop = Hop(
        "route", f"{route.kind} {route.namespace}/{route.name} rule {rule_path[-1]}", Place.of(route, rule_path)
    )
    route_hop.findings = index.about(route, rule_path)
    hostnames = route.get(("spec", "hostnames"))
    names = ",".join(str(h) for h in hostnames) if isinstance(hostnames, list) and hostnames else None
    matched = _route_paths(route.get(rule_path))
    if not entry.listeners:
        parents = route.get(("spec", "parentRefs"))
        named = (
            ", ".join(str(p.get("name")) for p in parents if isinstance(p, dict)) if isinstance(parents, list) else "?"
        )
        made = _entry(
            inventory, path, "Gateway", classes.gateway(None, named), rule_path, None, index, [route_hop], route
        )
        made.address, made.http_path = names or "*", matched
        yield made
        return
    for listener in entry.listeners:
        gateway = listener.gateway
        hostname = gateway.get((*listener.path, "hostname"))
        listener_hop = Hop(
            "listener",
            f"{listener.describe()}, port {listener.port}",
            Place.of(gateway, listener.path),
        )
        listener_hop.findings = index.about(gateway, listener.path)
        made = _entry(
            inventory,
            path,
            "Gateway",
            classes.gateway(gateway, gateway.name),
            rule_path,
            None,
            index,
            [listener_hop, route_hop],
            route,
        )
        made.address = names or (hostname if isinstance(hostname, str) else "*")
        made.http_path = matched
        yield made


def _route_paths(rule: Any) -> str | None:
    matches = rule.get("matches") if isinstance(rule, dict) else None
    values = [
        str(m["path"].get("value"))
        for m in (matches if isinstance(matches, list) else ())
        if isinstance(m, dict) and isinstance(m.get("path"), dict) and m["path"].get("value") is not None
    ]
    return ", ".join(values) or None


def _entry(
    inventory: Inventory,
    path: ServicePortPath,
    via: str,
    judged: Reach,
    rule_path: tuple[Any, ...] | None,
    node_port: int | None,
    index: FindingIndex,
    hops: list[Hop],
    origin: Resource | None = None,
) -> Entry:
    """An entry for one Service port: the entry's own hops, then the Service port, the workloads and policies."""
    service = path.service
    port_place = Place.of(service, path.path)
    place = Place.of(origin, rule_path) if origin is not None and rule_path is not None else port_place
    if origin is None:
        hops[0].findings = index.about(service, path.path)
    service_hop = Hop(
        "service",
        f"Service {service.namespace}/{service.name} port {path.port}/{path.protocol} -> targetPort {path.target}",
        port_place,
    )
    if origin is not None:
        service_hop.findings = index.about(service, path.path)
    entry = Entry(via, service.namespace, service.name, path.port, path.protocol, node_port, judged, place)
    entry.hops = [*hops, service_hop]
    entry.reach = _through_pods(inventory, path, entry, index, judged)
    entry.reported = (origin or service).reported
    return entry


def _through_pods(
    inventory: Inventory, path: ServicePortPath, entry: Entry, index: FindingIndex, judged: Reach
) -> Reach:
    """Add the workloads and policies to the entry's hops; a reach that policies block everywhere is blocked."""
    for pod in path.pods:
        entry.workloads.append(_workload(pod))
        entry.hops.append(_pod_hop(pod, index))
        entry.hops.extend(_policy_hops(pod))
    evidence = list(judged.evidence)
    missing = _pods_not_in_view(inventory, path)
    if missing:
        evidence.append(missing)
    if path.pods and all(pod.outside is False for pod in path.pods):
        names = sorted({p.resource.name for pod in path.pods for p in pod.policies})
        evidence.append(f"NetworkPolicies {', '.join(names)} admit no client from outside the cluster to these pods")
        return Reach(BLOCKED, (), tuple(evidence))
    if any(pod.outside is None for pod in path.pods) and judged.level != UNKNOWN:
        evidence.append("whether the NetworkPolicies of some pods admit outside clients is not known")
    return Reach(judged.level, judged.sources or ANYWHERE if judged.level != BLOCKED else (), tuple(evidence))


def _policy_hops(pod: PodHop) -> list[Hop]:
    verdict = _policy_text(pod)
    return [
        Hop(
            "policy",
            f"NetworkPolicy {policy.resource.namespace}/{policy.resource.name}: {verdict}",
            Place.of(policy.resource, ("metadata", "name")),
        )
        for policy in pod.policies
    ]


def _pods_not_in_view(inventory: Inventory, path: ServicePortPath) -> str:
    """What the path to the pods misses ("" when its pods are in view)."""
    spec = path.service.data.get("spec")
    selector = spec.get("selector") if isinstance(spec, dict) else None
    if selector and not path.pods:
        if inventory.partial_view:
            return "the workloads behind it are not in view"
        return "no pod template in view matches the Service's selector"
    if not selector:
        sets = len(path.endpoint_sets)
        if sets:
            return f"no selector: endpoints from {sets} EndpointSlice/Endpoints object(s) in view"
        return "no selector: its endpoints are managed outside the manifests"
    return ""


def _workload(pod: PodHop) -> Workload:
    resource = pod.template.resource
    return Workload(
        resource.kind,
        resource.namespace,
        resource.name,
        pod.template.replicas,
        Place.of(resource, ("metadata", "name")),
    )


def _pod_hop(pod: PodHop, index: FindingIndex) -> Hop:
    workload = _workload(pod)
    if pod.port is not None:
        text = f"{workload.describe()}: container {pod.port.container} port {pod.number}"
        place = Place.of(pod.port.source or pod.template.resource, pod.port.path)
    else:
        number = f" {pod.number}" if pod.number is not None else ""
        text = f"{workload.describe()}: port{number} (no container declares it)"
        place = workload.place
    hop = Hop("workload", text, place)
    hop.findings = index.about(pod.template.resource)
    return hop


def _policy_text(pod: PodHop) -> str:
    if pod.outside is False:
        return "isolates the pods; no rule admits clients from outside the cluster"
    if pod.outside is None:
        return "isolates the pods; whether a rule admits outside clients is not known"
    return "admits clients from outside the cluster"
