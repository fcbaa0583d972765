"""The kinds the exposure report reads whole, besides what the rules read: workloads (host ports, hostNetwork),
and what the path model follows."""

from __future__ import annotations

from svclint.inventory.paths.gateway import ROUTE_KINDS
from svclint.inventory.paths.index import PATH_KINDS
from svclint.k8s.kinds import WORKLOAD_KINDS

REPORT_KINDS = frozenset({"Service", "Ingress", "ComputeFirewall", *WORKLOAD_KINDS, *PATH_KINDS, *ROUTE_KINDS})
