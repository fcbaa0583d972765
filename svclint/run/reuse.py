"""What reading a file left for reading it again after an edit (the language server reads an open file after
every keystroke): its documents, which the loader hands back when their text did not change (see
svclint.input.parsing.reuse), and what the per-file work made of each of their objects: placeholder and patch
handling, the per-object rules' findings, the compact copy for the inventory.

An object taken from the last reading is that reading's very object, already prepared (placeholders filled in,
patch directives removed): it must not be prepared again, and what was made of it is handed back instead.
"""

from __future__ import annotations

from msgspec import Struct

from svclint.core.model import Finding
from svclint.input.document import Resource
from svclint.input.envsubst import Placeholders
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.reuse import ChunkReuse


class Prepared(Struct, frozen=True):
    """What the per-file work made of one object."""

    placeholders: Placeholders | None
    note: StructureProblem | None  # the placeholder note, said once per file
    fragment: StructureProblem | None  # the note on a Service that looks like a patch
    findings: tuple[Finding, ...]  # of the per-object rules, when the file is reported
    kept: Resource | None  # the copy for the inventory


class FileReuse:
    """One file's last reading, for the next: its documents and what was made of their objects."""

    def __init__(self) -> None:
        self.chunks = ChunkReuse()
        self._made: dict[int, tuple[Resource, Prepared]] = {}
        self._now: dict[int, tuple[Resource, Prepared]] = {}
        self._terms: tuple[object, ...] | None = None
        self._reading = False

    def begin(self, terms: tuple[object, ...]) -> None:
        """A reading starts; `terms` is what else decides how objects are prepared (whether the file is
        reported, whether it is a patch). Nothing is reused when they differ from the last reading's, or when
        that reading did not finish (its objects may be half prepared)."""
        if terms != self._terms or self._reading:
            self.chunks = ChunkReuse()
            self._made, self._now = {}, {}
        self._terms = terms
        self._reading = True

    def prepared(self, resource: Resource) -> Prepared | None:
        entry = self._made.get(id(resource))
        if entry is None or entry[0] is not resource:
            return None
        self._now[id(resource)] = entry
        return entry[1]

    def keep(self, resource: Resource, prepared: Prepared) -> None:
        self._now[id(resource)] = (resource, prepared)

    def settle(self) -> None:
        """The reading is over: what it did not meet is forgotten."""
        self.chunks.settle()
        self._made, self._now = self._now, {}
        self._reading = False
