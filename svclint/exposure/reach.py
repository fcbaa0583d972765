"""Who can reach an entry point: the internet, only the VPC, only the cluster, nobody, or not known.

Load balancers are read the way the providers' controllers read them (the same annotation table as SVC301 and
SVC311: rules/tables/load-balancer-annotations.yaml); node ports and host ports through the run's firewall rules;
external IPs by the address itself. A source range counts as inside the VPC only when it lies in the address
space private networks use (RFC 1918, RFC 6598 shared space, IPv6 unique local): documentation and other public
ranges stand for clients on the internet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from svclint.engine.tables import builtin_tables
from svclint.exposure.model import ANYWHERE, BLOCKED, INTERNET, UNKNOWN, VPC, Reach
from svclint.firewall.model import FirewallModel
from svclint.functions.cloud import INTERNAL, PUBLIC, RESTRICTED, AnnotationTable
from svclint.input.document import Resource

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PRIVATE_SPACE: tuple[Network, ...] = tuple(
    ipaddress.ip_network(cidr)
    for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "fc00::/7")
)
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def parse_network(text: Any) -> Network | None:
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        return None


def is_private(network: Network) -> bool:
    return any(network.version == space.version and network.subnet_of(space) for space in PRIVATE_SPACE)  # type: ignore[arg-type]


def level_of(sources: Iterable[str]) -> str:
    """INTERNET when any source range holds public addresses, VPC when all are private."""
    networks = [n for n in (parse_network(s) for s in sources) if n is not None]
    return VPC if networks and all(is_private(n) for n in networks) else INTERNET


@cache
def _annotation_table() -> AnnotationTable:
    return AnnotationTable.from_options(builtin_tables()["loadBalancerAnnotations"])


def load_balancer(service: Resource) -> Reach:
    """The reach of a LoadBalancer Service's own ports (not its node ports)."""
    table = _annotation_table()
    exposure = table.exposure(service.data, service.partial)
    sources, said = _source_ranges(service, table)
    if exposure == INTERNAL:
        why = f"{_internal_by(table, service)} makes the load balancer internal (VPC-only)"
        return Reach(VPC, sources, (why, *said))
    if exposure in (PUBLIC, RESTRICTED):
        level = level_of(sources)
        where = "the internet" if level == INTERNET else "private address space only"
        return Reach(level, sources, (f"a public load balancer admitting {', '.join(sources)} ({where})", *said))
    spec = service.data.get("spec")
    named = spec.get("loadBalancerClass") if isinstance(spec, dict) else None
    if isinstance(named, str):
        why = f"spec.loadBalancerClass {named}: the implementation serving that class decides, and it is not in view"
    else:
        why = "a provider annotation the controller rejects or reads from cluster settings not in view (see SVC311)"
    return Reach(UNKNOWN, sources, (f"whether the load balancer is public is not known: {why}",))


def _internal_by(table: AnnotationTable, service: Resource) -> str:
    """The annotation (and its provider) that makes the load balancer internal, for the evidence."""
    annotations = annotations_of(service.data)
    for entry in table.entries:
        value = annotations.get(entry.annotation)
        if value is not None and entry.applies(service.data, service.partial) and entry.outcome(value) == INTERNAL:
            return f'{entry.provider}\'s annotation {entry.annotation}: "{value}"'
    return "a provider annotation"


def _source_ranges(service: Resource, table: AnnotationTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The client ranges the load balancer admits (spec.loadBalancerSourceRanges wins over the annotation, as in
    the API server's GetLoadBalancerSourceRanges), narrowed by a provider's allow-list annotation."""
    annotations = annotations_of(service.data)
    ranges, said = _ranges_of_the_service(service, annotations)
    # A provider allow list narrows further; its ranges stand for the sources when the Service names none.
    named_by_service = bool(said)
    for restriction in table.restrictions:
        value = annotations.get(restriction.annotation)
        if restriction.restricts(value):
            items = [_strip(item.strip(), restriction.prefixes) for item in str(value).split(",")]
            tags = [item for item in items if parse_network(item) is None and item]
            if not named_by_service:
                ranges.extend(_networks(items))
            said.append(restriction.annotation + (f" (service tags {', '.join(tags)})" if tags else ""))
    evidence = (f"source ranges from {', '.join(said)}",) if said else ()
    return (tuple(ranges) if ranges else ANYWHERE), evidence


def _ranges_of_the_service(service: Resource, annotations: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """spec.loadBalancerSourceRanges, else the source-ranges annotation: the ranges, and where they were read."""
    spec = service.data.get("spec")
    written = spec.get("loadBalancerSourceRanges") if isinstance(spec, dict) else None
    if isinstance(written, list) and written:
        return _networks(written), ["spec.loadBalancerSourceRanges"]
    annotated = annotations.get(SOURCE_RANGES_ANNOTATION)
    if isinstance(annotated, str):
        return _networks(annotated.split(",")), [SOURCE_RANGES_ANNOTATION]
    return [], []


def _networks(items: Iterable[Any]) -> list[str]:
    """The items that are networks, as networks; the others left out."""
    return [str(n) for n in (parse_network(item) for item in items) if n is not None]


def _strip(item: str, prefixes: Iterable[str]) -> str:
    for prefix in prefixes:
        item = item.removeprefix(prefix)
    return item


def annotations_of(data: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return annotations if isinstance(annotations, dict) else {}


def node_port(firewall: FirewallModel | None, protocol: str, port: int | None, what: str) -> Reach:
    """The reach of a port every node opens (a node port, a host port): what the nodes' firewall admits."""
    if firewall is None or not firewall.rules:
        missing = (
            f"no firewall rules in view: whether the nodes admit {what} from outside is not known "
            "(pass --firewall-rules FILE or include the firewall objects)"
        )
        return Reach(UNKNOWN, ANYWHERE, (missing,))
    if port is None:
        return Reach(UNKNOWN, (), (f"the cluster assigns {what}: which port the firewall must open is not known",))
    verdict = firewall.verdict(protocol.lower(), port)
    if not verdict.allowed:
        rule = verdict.deciding
        why = f"{rule.describe()} denies it" if rule is not None else "no firewall rule admits it"
        return Reach(BLOCKED, (), (f"{what}: {why}",))
    admitted = verdict.admitted
    sources = tuple(str(n) for n in admitted.networks) + tuple(sorted(admitted.names))
    level = level_of(str(n) for n in admitted.networks) if admitted.networks else VPC
    rule = verdict.deciding
    by = f" by {rule.describe()}" if rule is not None else ""
    return Reach(level, sources, (f"{what} admitted{by} from {admitted.describe()}",))


def external_ip(address: Any) -> Reach:
    network = parse_network(address)
    if network is None:
        return Reach(UNKNOWN, ANYWHERE, (f"externalIPs item {address!r} is not an IP address",))
    level = VPC if is_private(network) else INTERNET
    where = "a private address: clients inside the VPC" if level == VPC else "a public address"
    return Reach(
        level,
        ANYWHERE,
        (f"traffic to {network.network_address} reaches the nodes ({where}); the Service admits any source",),
    )
