"""The result model every stage shares: severities, spans, locations and findings."""

from __future__ import annotations

import enum
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

# A path inside a parsed document: mapping keys (str) and sequence indexes (int).
FieldPath = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """Ordered so that `finding.severity >= fail_level` reads naturally."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or note)") from None


class Span(Struct, frozen=True, order=True):
    """A region of a file. Lines and columns are 1-based; the end column is exclusive (SARIF)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int) -> Span:
        return cls(line, col, line, col + 1)


class Location(Struct, frozen=True):
    """A place in a file the user wrote, with an optional message (for related locations)."""

    path: str
    span: Span
    message: str | None = None


class ResourceRef(Struct, frozen=True):
    """The Kubernetes object a finding belongs to."""

    kind: str
    namespace: str
    name: str
    api_version: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


class Suppression(Struct, frozen=True):
    """Why a finding is suppressed: kind is 'inSource' (comment or annotation) or 'external' (baseline)."""

    kind: str
    justification: str
    origin: str


class FieldEdit(Struct, frozen=True):
    """One change to a document's data, which svclint.fix turns into an edit of the bytes at the field's span.

    `path` starts at the document's root. `replace` writes `new` in place of the scalar `old`; `remove` takes the
    key and its value out of their mapping; `add` puts the key `key` with the scalar `new` into the mapping at
    `path`, which must not hold it yet."""

    action: str  # replace | remove | add
    path: FieldPath
    old: Any = None
    new: Any = None
    key: str = ""


class Fix(Struct, frozen=True):
    """A change a rule proposes for its finding. A safe fix keeps what the object means to the cluster (or makes
    the API server accept what it would refuse, the only way it can be read); an unsafe one may change it."""

    title: str
    safe: bool
    document: int  # the index of the document in its file
    edits: tuple[FieldEdit, ...]


class Finding(Struct, frozen=True):
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    location: Location
    resource: ResourceRef | None = None
    field_path: str | None = None
    related: tuple[Location, ...] = ()
    suppression: Suppression | None = None
    # Facts that identify the finding without line numbers (see fingerprint.py).
    identity: tuple[str, ...] = ()
    fix: Fix | None = None

    # Findings are equal (and hash alike) whatever their identity facts and fix say: those describe a finding,
    # they do not make it another one.
    def __eq__(self, other: object) -> bool:
        if type(other) is not Finding:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def _compared(self) -> tuple[Any, ...]:
        return (
            self.rule_id,
            self.rule_name,
            self.severity,
            self.message,
            self.location,
            self.resource,
            self.field_path,
            self.related,
            self.suppression,
        )

    def sort_key(self) -> tuple[Any, ...]:
        return (self.location.path, self.location.span, self.rule_id, self.message)

    def suppressed(self, suppression: Suppression) -> Finding:
        return replace(self, suppression=suppression)


def format_field_path(path: FieldPath) -> str:
    """`('spec', 'ports', 1, 'nodePort')` -> `spec.ports[1].nodePort`."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif out and not _is_plain_key(part):
            out.append(f"[{part!r}]")
        elif out:
            out.append("." + part)
        else:
            out.append(part if _is_plain_key(part) else f"[{part!r}]")
    return "".join(out)


def _is_plain_key(key: str) -> bool:
    return bool(key) and all(ch.isalnum() or ch in "_-" for ch in key)
