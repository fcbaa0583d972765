"""Where each value of a built object was written: a document of a file of the run and a path inside it.

A built object starts as a copy of an object of a base; transforms and patches then set, add and move values.
Only those changes are recorded (the subtree they wrote, and the list items they moved); every other path of
the object is where it was in its own file. Locating a finding asks the deepest recorded ancestor of its path.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath, Span
from svclint.input.document import Document


class Origin(Struct, frozen=True):
    """A place in a document. `whole`: every path below maps to this one place (an inline patch, a value that a
    kustomization field sets, such as a label of `commonLabels`), rather than to the same path below it."""

    document: Document
    path: FieldPath
    whole: bool = False

    def below(self, rest: FieldPath) -> tuple[Document, FieldPath]:
        return self.document, self.path if self.whole else self.path + rest


class Origins:
    """The recorded origins of a built object's subtrees, by path in the built object."""

    __slots__ = ("base", "recorded")

    def __init__(self, base: Origin, recorded: dict[FieldPath, Origin] | None = None) -> None:
        self.base = base
        self.recorded: dict[FieldPath, Origin] = recorded if recorded is not None else {}

    def copy(self) -> Origins:
        return Origins(self.base, dict(self.recorded))

    def record(self, path: FieldPath, origin: Origin) -> None:
        """`path` and everything below it now come from `origin`."""
        self.forget_below(path)
        self.recorded[path] = origin

    def forget_below(self, path: FieldPath) -> None:
        size = len(path)
        for known in [p for p in self.recorded if len(p) >= size and p[:size] == path]:
            del self.recorded[known]

    def move_items(self, list_path: FieldPath, moves: dict[int, int]) -> None:
        """Items of the list at `list_path` changed places (old index -> new index; absent: removed). An item
        whose origin was not recorded came from the base at its old index, which is recorded now."""
        size = len(list_path)
        below = {p: o for p, o in self.recorded.items() if len(p) > size and p[:size] == list_path}
        for path in below:
            del self.recorded[path]
        for old, new in moves.items():
            item_path = (*list_path, old)
            if item_path not in below:
                new_path = (*list_path, new)
                self.recorded[new_path] = self._resolved(item_path)
        for path, origin in below.items():
            index = path[size]
            if isinstance(index, int) and index in moves:
                moved = (*list_path, moves[index], *path[size + 1 :])
                self.recorded[moved] = origin

    def _resolved(self, path: FieldPath) -> Origin:
        document, source = self.locate(path)
        return Origin(document, source)

    def locate(self, path: FieldPath) -> tuple[Document, FieldPath]:
        for cut in range(len(path), -1, -1):
            origin = self.recorded.get(path[:cut])
            if origin is not None:
                return origin.below(path[cut:])
        return self.base.below(path)


class BuiltDocument(Document):
    """A built object as a document: its data is the build's, its positions are those of the files that wrote
    each value (see Origins)."""

    __slots__ = ("origins",)

    def __init__(self, path: str, index: int, data: Any, origins: Origins) -> None:
        super().__init__(path, index, data, None)
        self.origins = origins

    def source_file(self, path: FieldPath) -> str:
        document, _ = self.origins.locate(path)
        return document.path

    def locate(self, path: FieldPath) -> Span:
        document, source = self.origins.locate(path)
        return document.locate(source)

    def key_span(self, path: FieldPath) -> Span | None:
        document, source = self.origins.locate(path)
        return document.key_span(source)

    def value_span(self, path: FieldPath) -> Span | None:
        document, source = self.origins.locate(path)
        return document.value_span(source)
