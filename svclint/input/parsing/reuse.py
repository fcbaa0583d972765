"""The documents of a file read again after an edit: a document whose text, first line and number in the file
are what they were at the last reading is taken from that reading instead of being parsed again.

The language server reads an open file after every keystroke, and a keystroke changes one document of it. What a
document yields (its data and spans, its objects, its problems) depends on nothing but its text, where it starts,
its number and the load options, so the documents around the edit can be handed back as they were built.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol

from msgspec import Struct

from svclint.core.stats import FileStats
from svclint.input.document import Document, Resource
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.chunks import Chunk


class _Loading(Protocol):
    """The file being loaded (the loader's LoadedFile): what a chunk adds to."""

    path: str
    documents: list[Document]
    resources: list[Resource]
    problems: list[StructureProblem]
    shapeless: list[StructureProblem]
    holds_objects: bool
    stats: FileStats


# The counting fields, told by their default (msgspec's fields() would evaluate every annotation at start-up).
_EMPTY = FileStats()
_COUNTS = tuple(name for name in FileStats.__struct_fields__ if type(getattr(_EMPTY, name)) is int)


class _ChunkLoad(Struct, frozen=True):
    """What loading one chunk added to its file."""

    documents: tuple[Document, ...]
    resources: tuple[Resource, ...]
    problems: tuple[StructureProblem, ...]
    shapeless: tuple[StructureProblem, ...]
    holds_objects: bool
    counts: tuple[int, ...]  # added to each of FileStats' counts, in _COUNTS order
    next_index: int


class ChunkReuse:
    """The chunks of one file's last reading, by what determines them; a reading keeps only the chunks it met."""

    def __init__(self) -> None:
        self._last: dict[tuple[Any, ...], _ChunkLoad] = {}
        self._now: dict[tuple[Any, ...], _ChunkLoad] = {}

    def load(self, loaded: _Loading, chunk: Chunk, index: int, options: Hashable, read: Callable[[], int]) -> int:
        """Add the chunk's documents to `loaded`, from the last reading when it met the same chunk, else by
        `read()`; the number of the next document."""
        key = (loaded.path, chunk.text, chunk.first_line, index, options)
        known = self._last.get(key) or self._now.get(key)
        if known is None:
            known = self._read(loaded, read)
        else:
            loaded.documents.extend(known.documents)
            loaded.resources.extend(known.resources)
            loaded.problems.extend(known.problems)
            loaded.shapeless.extend(known.shapeless)
            loaded.holds_objects = loaded.holds_objects or known.holds_objects
            for name, added in zip(_COUNTS, known.counts, strict=True):
                setattr(loaded.stats, name, getattr(loaded.stats, name) + added)
        self._now[key] = known
        return known.next_index

    def _read(self, loaded: _Loading, read: Callable[[], int]) -> _ChunkLoad:
        sizes = (len(loaded.documents), len(loaded.resources), len(loaded.problems), len(loaded.shapeless))
        counts = tuple(getattr(loaded.stats, name) for name in _COUNTS)
        holds_objects = loaded.holds_objects
        loaded.holds_objects = False
        next_index = read()
        made = _ChunkLoad(
            tuple(loaded.documents[sizes[0] :]),
            tuple(loaded.resources[sizes[1] :]),
            tuple(loaded.problems[sizes[2] :]),
            tuple(loaded.shapeless[sizes[3] :]),
            loaded.holds_objects,
            tuple(getattr(loaded.stats, name) - before for name, before in zip(_COUNTS, counts, strict=True)),
            next_index,
        )
        loaded.holds_objects = holds_objects or made.holds_objects
        return made

    def settle(self) -> None:
        """The reading is over: what it did not meet is forgotten."""
        self._last, self._now = self._now, {}
