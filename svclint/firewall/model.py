"""One model for firewall rules from every source, and how a packet to a node port is judged.

GCP (VPC firewall rules): among the enabled INGRESS rules of the network that target the nodes and match the
packet's protocol, port and source, the one with the lowest priority number wins, and a deny beats an allow of
the same priority; when none matches, the implied deny-ingress rule drops the packet. AWS security groups are
allow-only: a packet passes when any rule of any group attached to the nodes allows it.
(cloud.google.com/firewall/docs/firewalls, "Priority" and "Implied rules"; docs.aws.amazon.com/vpc/latest/userguide/
security-group-rules.html.)

Sources are IP ranges, plus named sources (GCP source tags and service accounts, AWS security-group references
and prefix lists), which stand for instances or lists whose addresses svclint cannot know.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from svclint.firewall.settings import ALL, FirewallSettings, Network

if TYPE_CHECKING:
    from svclint.core.model import FieldPath
    from svclint.input.document import Resource

ALL_V4 = ipaddress.IPv4Network("0.0.0.0/0")
ALL_V6 = ipaddress.IPv6Network("::/0")


class AddressSet(Struct, frozen=True):
    """A set of source addresses: IP networks and named sources (tags, service accounts, group references)."""

    networks: tuple[Network, ...] = ()
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, networks: Iterable[Network], names: Iterable[str] = ()) -> AddressSet:
        v4 = [n for n in networks if isinstance(n, ipaddress.IPv4Network)]
        v6 = [n for n in networks if isinstance(n, ipaddress.IPv6Network)]
        collapsed: list[Network] = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
        return cls(tuple(collapsed), frozenset(names))

    def __bool__(self) -> bool:
        return bool(self.networks or self.names)

    def union(self, other: AddressSet) -> AddressSet:
        return AddressSet.of([*self.networks, *other.networks], self.names | other.names)

    def intersection(self, other: AddressSet) -> AddressSet:
        parts: list[Network] = []
        for a in self.networks:
            for b in other.networks:
                if a.version != b.version:
                    continue
                if a.subnet_of(b):  # type: ignore[arg-type]
                    parts.append(a)
                elif b.subnet_of(a):  # type: ignore[arg-type]
                    parts.append(b)
        return AddressSet.of(parts, self.names & other.names)

    def difference(self, other: AddressSet) -> AddressSet:
        parts = list(self.networks)
        for cut in other.networks:
            remaining: list[Network] = []
            for piece in parts:
                if piece.version != cut.version:
                    remaining.append(piece)
                elif piece.subnet_of(cut):  # type: ignore[arg-type]
                    continue
                elif cut.subnet_of(piece):  # type: ignore[arg-type]
                    remaining.extend(piece.address_exclude(cut))  # type: ignore[arg-type]
                else:
                    remaining.append(piece)
            parts = remaining
        return AddressSet.of(parts, self.names - other.names)

    def covers_everything(self) -> bool:
        return any(n.prefixlen == 0 for n in self.networks)

    def describe(self) -> str:
        items = [str(n) for n in self.networks] + sorted(self.names)
        return ", ".join(items[:4]) + (f" and {len(items) - 4} more" if len(items) > 4 else "")


EVERYWHERE = AddressSet.of([ALL_V4, ALL_V6])


class PortRange(Struct, frozen=True):
    low: int
    high: int

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.low <= port <= self.high

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


class Permission(Struct, frozen=True):
    """One protocol and its ports (None: every port). Protocols are lowercase names or `all`."""

    protocol: str
    ports: tuple[PortRange, ...] | None
    path: FieldPath = ()  # where it is written, inside its resource

    def matches(self, protocol: str, port: int) -> bool:
        if self.protocol not in (ALL, protocol):
            return False
        return self.ports is None or any(port in r for r in self.ports)

    def covers(self, protocol: str, low: int, high: int) -> bool:
        """Every port of low-high, for the protocol."""
        if self.protocol not in (ALL, protocol):
            return False
        if self.ports is None:
            return True
        ranges = sorted(self.ports, key=lambda r: r.low)
        reach = low
        for r in ranges:
            if r.low > reach:
                break
            reach = max(reach, r.high + 1)
        return reach > high

    def describe(self) -> str:
        if self.ports is None:
            return f"{self.protocol}:all ports"
        return f"{self.protocol}:" + ",".join(str(r) for r in self.ports)


class FirewallRule(Struct):
    name: str
    provider: str  # "gcp" or "aws"
    resource: Resource  # the object or export entry it was read from
    path: FieldPath = ()  # the rule inside that resource (an AWS permission, a Terraform block)
    action: str = "allow"  # "allow" or "deny"
    direction: str = "INGRESS"
    priority: int = 1000
    permissions: tuple[Permission, ...] = ()
    sources: AddressSet = field(default_factory=AddressSet)
    target_tags: frozenset[str] = frozenset()
    target_accounts: frozenset[str] = frozenset()
    group: str | None = None  # AWS: the security group the rule belongs to
    group_aliases: frozenset[str] = frozenset()  # AWS: its id and name, either of which settings may use
    disabled: bool = False
    network: str | None = None
    sources_path: FieldPath = ()

    def describe(self) -> str:
        permissions = ", ".join(p.describe() for p in self.permissions) or "nothing"
        if self.provider == "aws":
            return f"AWS security group {self.name} (allow {permissions})"
        return f"GCP rule {self.name} ({self.action} {permissions})"


class Verdict(Struct, frozen=True):
    allowed: bool
    deciding: FirewallRule | None  # the deny that wins, or an allow that admits
    near_miss: tuple[FirewallRule, str] | None  # the closest rule that does not admit, and why
    admitted: AddressSet = field(default_factory=AddressSet)  # the sources the rules let in


class FirewallModel:
    def __init__(self, rules: Sequence[FirewallRule], settings: FirewallSettings, problems: Sequence[Any] = ()) -> None:
        self.rules = list(rules)
        self.settings = settings
        self._by_resource: dict[int, list[FirewallRule]] = {}
        for rule in self.rules:
            self._by_resource.setdefault(id(rule.resource), []).append(rule)
        self._problems: dict[int, list[Any]] = {}
        for problem in problems:
            self._problems.setdefault(id(problem.resource), []).append(problem)

    def rules_of(self, resource: Resource) -> list[FirewallRule]:
        return self._by_resource.get(id(resource), [])

    def problems_of(self, resource: Resource) -> list[Any]:
        return self._problems.get(id(resource), [])

    @property
    def providers(self) -> set[str]:
        return {rule.provider for rule in self.rules}

    def applicable(self, rule: FirewallRule) -> str | None:
        """Why a rule does not apply to traffic into the nodes, or None when it does."""
        settings = self.settings
        if rule.disabled:
            return "is disabled"
        if rule.direction != "INGRESS":
            return f"is an {rule.direction} rule"
        if settings.network and rule.network and rule.network != settings.network:
            return f"is on network {rule.network}, not {settings.network}"
        if rule.provider == "aws":
            if settings.security_groups and not (settings.security_groups & {rule.group, *rule.group_aliases}):
                return f"is not one of the nodes' security groups ({', '.join(sorted(settings.security_groups))})"
            return None
        if rule.target_tags and settings.node_tags and not (rule.target_tags & settings.node_tags):
            tags = ", ".join(sorted(rule.target_tags))
            return f"targets tags {tags}, which the nodes ({', '.join(sorted(settings.node_tags))}) do not carry"
        if rule.target_accounts and settings.node_accounts and not (rule.target_accounts & settings.node_accounts):
            return "targets service accounts the nodes do not run as"
        return None

    def verdict(self, protocol: str, port: int) -> Verdict:
        """Whether the port is reachable: from any source, or from every client range when they are configured.

        Each provider's rules are judged by that provider's semantics; a port is reachable when one provider's
        rules admit it (a run normally holds one provider's rules).
        """
        verdicts = [self._verdict(provider, protocol, port) for provider in sorted(self.providers)]
        if not verdicts:
            return Verdict(False, None, None)
        return next((v for v in verdicts if v.allowed), verdicts[0])

    def _verdict(self, provider: str, protocol: str, port: int) -> Verdict:
        clients = AddressSet.of(self.settings.client_ranges) if self.settings.client_ranges else None
        universe = clients if clients is not None else EVERYWHERE.union(self._prefix_lists())
        matching = [
            r
            for r in self.rules
            if r.provider == provider and self.applicable(r) is None and _matches(r, protocol, port)
        ]
        if provider == "aws":
            allowed, admitting, winner_deny = _security_groups_admit(matching, universe)
        else:
            allowed, admitting, winner_deny = _gcp_rules_admit(matching, universe)
        ok = bool(allowed) if clients is None else not clients.difference(allowed)
        if ok:
            return Verdict(True, admitting, None, allowed)
        if winner_deny is not None:
            return Verdict(False, winner_deny, (winner_deny, _deny_reason(winner_deny, protocol, port)))
        return Verdict(False, None, self._near_miss(provider, protocol, port, clients))

    def range_verdict(self, protocol: str, low: int, high: int) -> tuple[bool, int | None]:
        """Whether every port of low-high is reachable; when not, the first port that is not."""
        cuts = {low}
        for rule in self.rules:
            for permission in rule.permissions:
                for r in permission.ports or ():
                    if low <= r.low <= high:
                        cuts.add(r.low)
                    if low <= r.high + 1 <= high:
                        cuts.add(r.high + 1)
        for port in sorted(cuts):
            if not self.verdict(protocol, port).allowed:
                return False, port
        return True, None

    def _prefix_lists(self) -> AddressSet:
        """AWS prefix lists are address ranges whose content is unknown: they count as some source. Tags, service
        accounts and security-group references stand for instances inside the network, which do not make a port
        reachable for clients."""
        names: set[str] = set()
        for rule in self.rules:
            names |= {name for name in rule.sources.names if name.startswith("pl:")}
        return AddressSet.of([], names)

    def _near_miss(
        self, provider: str, protocol: str, port: int, clients: AddressSet | None
    ) -> tuple[FirewallRule, str] | None:
        best: tuple[int, int, FirewallRule, str] | None = None
        for rule in self.rules:
            if rule.action != "allow" or rule.provider != provider:
                continue
            candidate = self._miss(rule, protocol, port, clients)
            if candidate is not None and (best is None or candidate[:2] < best[:2]):
                best = (*candidate[:2], rule, candidate[2])
        return None if best is None else (best[2], best[3])

    def _miss(
        self, rule: FirewallRule, protocol: str, port: int, clients: AddressSet | None
    ) -> tuple[int, int, str] | None:
        """(rank, distance, reason) for an allow rule that does not admit the packet; lower ranks are closer:
        the right port but not these clients, then a rule that does not apply (disabled, egress, another network
        or target), then the right port for another protocol, then other ports of the protocol."""
        reason = self.applicable(rule)
        matches = _matches(rule, protocol, port)
        if reason is not None:
            return (1 if matches else 6, 0, f"{rule.describe()} {reason}")
        if matches:
            sources = rule.sources.describe() or "no source"
            if not rule.sources.networks:
                return (5, 0, f"{rule.describe()} admits only {sources} (instances inside the network)")
            return (0, 0, f"{rule.describe()} admits {sources}, not all clients")
        same_port = [p for p in rule.permissions if p.ports is None or any(port in r for r in p.ports)]
        if same_port:
            return (2, 0, f"{rule.describe()} opens {same_port[0].describe()}, not {protocol}")
        same_protocol = [p for p in rule.permissions if p.protocol in (ALL, protocol)]
        if same_protocol:
            distance = min(_distance(p, port) for p in same_protocol)
            return (3, distance, f"{rule.describe()} opens other {protocol} ports")
        return (4, 0, f"{rule.describe()} opens other protocols and ports")


# What a provider's matching rules admit of the universe of clients: the addresses, the first rule that admits
# some, and the rule that denies first (None when none does).
Admitted = tuple[AddressSet, FirewallRule | None, FirewallRule | None]


def _security_groups_admit(matching: list[FirewallRule], universe: AddressSet) -> Admitted:
    """AWS security groups allow only, and their rules add up."""
    allowed = AddressSet()
    admitting: FirewallRule | None = None
    for rule in matching:
        part = universe.intersection(rule.sources)
        if part:
            allowed = allowed.union(part)
            admitting = admitting or rule
    return allowed, admitting, None


def _gcp_rules_admit(matching: list[FirewallRule], universe: AddressSet) -> Admitted:
    """GCP firewall rules by priority (deny first at equal priority): each client is decided by the first rule
    that covers it."""
    allowed = AddressSet()
    admitting: FirewallRule | None = None
    winner_deny: FirewallRule | None = None
    remaining = universe
    for rule in sorted(matching, key=lambda r: (r.priority, r.action != "deny")):
        part = remaining.intersection(rule.sources)
        if not part:
            continue
        remaining = remaining.difference(part)
        if rule.action == "deny":
            winner_deny = winner_deny or rule
        else:
            allowed = allowed.union(part)
            admitting = admitting or rule
    return allowed, admitting, winner_deny


def _matches(rule: FirewallRule, protocol: str, port: int) -> bool:
    return any(p.matches(protocol, port) for p in rule.permissions)


def _distance(permission: Permission, port: int) -> int:
    if permission.ports is None:
        return 0
    return min(0 if port in r else min(abs(port - r.low), abs(port - r.high)) for r in permission.ports)


def _deny_reason(rule: FirewallRule, protocol: str, port: int) -> str:
    return f"{rule.describe()} denies {protocol}:{port} at priority {rule.priority}, before any allow"


def parse_ports(values: Any) -> tuple[PortRange, ...] | None:
    """GCP port lists: ["80", "30000-32767"]; absent or empty means every port. Raises ValueError."""
    if values is None or values == []:
        return None
    if not isinstance(values, list):
        raise ValueError(f"ports must be a list, not {values!r}")
    ranges = []
    for value in values:
        text = str(value).strip()
        low_text, _, high_text = text.partition("-")
        try:
            low = int(low_text)
            high = int(high_text) if high_text else low
        except ValueError:
            raise ValueError(f"port {text!r} is not a number or a range like 30000-32767") from None
        if not 0 <= low <= high <= 65535:
            raise ValueError(f"port range {text!r} is outside 0-65535")
        ranges.append(PortRange(low, high))
    return tuple(ranges)


def network_name(value: Any) -> str | None:
    """`projects/p/global/networks/default` or a URL or `default` -> `default`."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("external")
    if not isinstance(value, str) or not value:
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]
