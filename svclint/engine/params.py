"""Run parameters that rules read through `{{params...}}`: the cluster's node-port range and Kubernetes version,
firewall settings, and the shipped data tables (`{{params.tables...}}`)."""

from __future__ import annotations

import re
from typing import Any

from msgspec import Struct

from svclint.engine.tables import builtin_tables
from svclint.k8s.versions import NEWEST, KubeVersion, version_text

DEFAULT_NODE_PORT_RANGE = (30000, 32767)
_RANGE = re.compile(r"^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$")


def parse_port_range(text: str) -> tuple[int, int]:
    """`30000-32767` -> (30000, 32767), as kube-apiserver's --service-node-port-range reads it."""
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a port range like 30000-32767")
    low, high = int(match.group(1)), int(match.group(2))
    if not 1 <= low <= high <= 65535:
        raise ValueError(f"{text!r} is not a port range: ports are 1-65535 and the first cannot exceed the last")
    return low, high


def static_band_end(low: int, high: int) -> int:
    """Last port of the band the allocator leaves for static nodePorts (KEP-3668).

    The lower min(max(16, size/32), 128) ports are tried last by automatic allocation.
    """
    size = high - low + 1
    band = min(max(16, size // 32), 128)
    return min(high, low + band - 1)


class Params(Struct, frozen=True):
    node_port_min: int = DEFAULT_NODE_PORT_RANGE[0]
    node_port_max: int = DEFAULT_NODE_PORT_RANGE[1]
    kube_version: KubeVersion = NEWEST

    def variables(self) -> dict[str, Any]:
        low, high = self.node_port_min, self.node_port_max
        return {
            "nodePortRange": {
                "min": low,
                "max": high,
                "text": f"{low}-{high}",
                "staticBandEnd": static_band_end(low, high),
                "dynamicBandStart": static_band_end(low, high) + 1,
            },
            "kubeVersion": {
                "major": self.kube_version[0],
                "minor": self.kube_version[1],
                "text": version_text(self.kube_version),
            },
            "tables": builtin_tables(),
        }
