"""The report's data: entry points, the hops of their path, and who can reach them. Plain data, no decisions."""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from svclint.core.model import FieldPath, Finding
from svclint.input.document import Resource

# Who can reach an entry point, widest first. `unknown`: the manifests do not show it (the evidence says what is
# missing); it is listed right after `internet` because it may well be that.
INTERNET, VPC, CLUSTER, BLOCKED, UNKNOWN = "internet", "vpc", "cluster", "blocked", "unknown"
REACH_ORDER = (INTERNET, UNKNOWN, VPC, CLUSTER, BLOCKED)
# How far each reach goes, for "newly exposes at least this far" (--fail-on-new).
REACH_WIDTH = {INTERNET: 3, VPC: 2, CLUSTER: 1, BLOCKED: 0, UNKNOWN: 0}
VIAS = ("LoadBalancer", "NodePort", "ExternalIP", "HostPort", "Ingress", "Gateway")
ANYWHERE = ("0.0.0.0/0", "::/0")


def as_port(value: Any) -> int | None:
    """A port number as written, or None (absent, a name, a quoted number: the API server refuses the latter)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class Place(Struct, frozen=True):
    """A position in a file the user wrote (1-based line and column)."""

    path: str
    line: int
    column: int

    @classmethod
    def of(cls, resource: Resource, path: FieldPath) -> Place:
        span = resource.locate(path)
        return cls(resource.file_of(path), span.start_line, span.start_col)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Reach(Struct, frozen=True):
    """Who can reach an entry, the source ranges its own filter admits, and why."""

    level: str
    sources: tuple[str, ...]
    evidence: tuple[str, ...]


class Hop(Struct):
    """One step of the path: the entry, a listener, route or Ingress rule, the Service port, the target port, a
    workload, a NetworkPolicy, a firewall rule."""

    kind: str
    text: str
    place: Place | None
    findings: list[Finding] = field(default_factory=list)


class Workload(Struct, frozen=True):
    kind: str
    namespace: str
    name: str
    replicas: int | None  # None: one pod per node (DaemonSet)
    place: Place

    def describe(self) -> str:
        count = "one per node" if self.replicas is None else f"{self.replicas} replica" + "s" * (self.replicas != 1)
        return f"{self.kind} {self.namespace}/{self.name} ({count})"


class Entry(Struct):
    """One way in from outside the cluster, followed to the pods."""

    via: str
    namespace: str
    service: str | None
    port: int | None
    protocol: str
    node_port: int | None
    reach: Reach
    place: Place
    workloads: list[Workload] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)
    address: str | None = None  # the external IP, Ingress or listener host name, or the pod behind a host port
    http_path: str | None = None  # the Ingress path or route match
    change: str | None = None  # with --diff: new, gone, reach, renamed or unchanged
    previous_reach: str | None = None
    previous_name: str | None = None
    reported: bool = True  # False when it lies in a file loaded only as context

    def rule_ids(self) -> list[str]:
        return sorted({finding.rule_id for hop in self.hops for finding in hop.findings})

    def identity(self) -> tuple[Any, ...]:
        """What names the entry across two runs of different branches: never its line."""
        return (self.via, self.namespace, self.service, self.port, self.protocol, self.address, self.http_path)

    def target(self) -> str:
        """The entry point as a person would write it: `web:80/TCP`, `host/path -> web:80`."""
        port = "?" if self.port is None else str(self.port)
        where = f"{self.namespace}/{self.service}" if self.service else self.namespace
        return f"{where}:{port}/{self.protocol}"


class ExposureReport(Struct):
    entries: list[Entry]
    diff_base: str | None = None
    gone: list[Entry] = field(default_factory=list)

    def grouped(self) -> list[tuple[str, list[Entry]]]:
        """Entries by reach, widest first (unknown right after internet), gone entries last when diffing."""
        groups = [(level, [e for e in self.entries if e.reach.level == level]) for level in REACH_ORDER]
        return [(level, entries) for level, entries in groups if entries]
