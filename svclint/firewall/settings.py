"""What the user says about their firewall (network, node tags, client ranges): read by the configuration
without loading the firewall model, which only runs when firewall checks are on."""

from __future__ import annotations

import ipaddress
from typing import Any

from msgspec import Struct

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ALL = "all"  # the protocol of a rule that allows every protocol


class FirewallSettings(Struct, frozen=True):
    network: str | None = None
    node_tags: frozenset[str] = frozenset()
    node_accounts: frozenset[str] = frozenset()
    security_groups: frozenset[str] = frozenset()
    client_ranges: tuple[Network, ...] = ()


def parse_network(text: Any) -> Network:
    try:
        return ipaddress.ip_network(str(text).strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP range (CIDR)") from None
