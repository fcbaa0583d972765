"""The node ports Services of a view take from the cluster-wide allocator, and which Service claimed each first.

Which claim came first is asked for every claim; answering by comparing each with every earlier claim of its port
cost the square of the copies of a manifest the run holds (the same chart vendored twenty times claims its port
twenty times). Claims are indexed instead: by object and field, and per port by project (`ProjectFacts`, in the
sense of `same_project`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource
from svclint.inventory.neighbourhood import ProjectFacts

# The earliest claims of a port in a project, with their places in file order, of at most two Services: of the
# two, one is not the Service that asks.
_Earliest = tuple[tuple[int, "NodePortClaim"], ...]


class NodePortClaim(Struct, frozen=True):
    port: int
    resource: Resource
    path: FieldPath
    field_name: str  # "nodePort" or "healthCheckNodePort"
    order: tuple[Any, ...]  # file (absolute path), document, List item, field: independent of how files were named

    @property
    def owner(self) -> tuple[str, str]:
        return (self.resource.namespace, self.resource.name)


class NodePortClaims(defaultdict[int, list[NodePortClaim]]):
    """The claims of each port, in file order once `settle` has run."""

    def __init__(self) -> None:
        super().__init__(list)
        self._at: dict[tuple[int, FieldPath], NodePortClaim] = {}
        self._earliest: dict[int, _Ranked] = {}

    def add(self, service: Resource) -> None:
        """The node ports the Service takes: NodePort and LoadBalancer types only."""
        spec = service.data.get("spec")
        if not isinstance(spec, dict) or spec.get("type") not in ("NodePort", "LoadBalancer"):
            return
        file_order = (os.path.abspath(service.path), service.document.index, service.prefix)
        ports = spec.get("ports")
        if isinstance(ports, list):
            for index, port in enumerate(ports):
                if isinstance(port, dict):
                    path: FieldPath = ("spec", "ports", index, "nodePort")
                    self._claim(service, port.get("nodePort"), path, (*file_order, index))
        if spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local":
            path = ("spec", "healthCheckNodePort")
            self._claim(service, spec.get("healthCheckNodePort"), path, (*file_order, -1))

    def settle(self) -> None:
        for claims in self.values():
            claims.sort(key=lambda claim: claim.order)

    def claim_at(self, resource: Resource, path: FieldPath) -> NodePortClaim | None:
        """The claim the object makes with the field at `path`, if any."""
        return self._at.get((id(resource), path))

    def first_other(self, claim: NodePortClaim) -> NodePortClaim | None:
        """The first claim of the same port by another Service of the claim's project, when it comes before."""
        ranked = self._earliest.get(claim.port)
        if ranked is None:
            ranked = self._earliest[claim.port] = _Ranked(self[claim.port])
        return ranked.first_other(claim)

    def _claim(self, service: Resource, value: Any, path: FieldPath, order: tuple[Any, ...]) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            claim = NodePortClaim(value, service, path, str(path[-1]), order)
            self[value].append(claim)
            self._at[(id(service), path)] = claim


class _Ranked:
    """The claims of one port by their place in file order (built objects of one base share their file's order:
    then the order of the builds decides), and per project the earliest claims of its first two Services."""

    def __init__(self, claims: list[NodePortClaim]) -> None:
        self._rank = {id(claim): rank for rank, claim in enumerate(claims)}
        facts: list[tuple[str, _Earliest]] = [
            (claim.resource.path, ((rank, claim),)) for rank, claim in enumerate(claims)
        ]
        self._earliest = ProjectFacts(facts, _two_earliest_owners)

    def first_other(self, claim: NodePortClaim) -> NodePortClaim | None:
        rank = self._rank[id(claim)]
        for other_rank, other in self._earliest.near(claim.resource.path) or ():
            if other.owner != claim.owner:
                return other if other_rank < rank else None
        return None


def _two_earliest_owners(known: _Earliest, more: _Earliest) -> _Earliest:
    """The earliest claim of each Service, of the two Services that claimed first (order and repetition of the
    parts do not matter, as ProjectFacts requires)."""
    first: dict[tuple[str, str], tuple[int, NodePortClaim]] = {}
    for ranked in sorted((*known, *more), key=lambda ranked: ranked[0]):
        first.setdefault(ranked[1].owner, ranked)
    return tuple(first.values())[:2]
