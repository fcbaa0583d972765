"""A FieldEdit as a change of characters at the field's exact span, so that every other byte stays as written.

Only shapes whose text is certain are edited: a scalar written in place (plain or quoted, no anchor, tag or
block scalar), a key and value on lines of their own in a block mapping (or first in a sequence item, before a
sibling), a key added before the first key of a mapping. Anything else gets no edit, never a guess.
"""

from __future__ import annotations

import re

from msgspec import Struct

from svclint.core.model import FieldEdit, FieldPath
from svclint.fix.scalars import render_scalar
from svclint.input.document import Document
from svclint.input.parsing.lines import LineIndex
from svclint.input.spans import SCALAR


class TextEdit(Struct, frozen=True, order=True):
    """Characters [start, end) of the text become `replacement` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str


_SEQUENCE_ENTRY_PREFIX = re.compile(r"[ ]*(?:-[ \t]+)+")
_REST_OF_LINE = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n?|\n|$)")
_TO_NEXT_KEY = re.compile(r"[ \t]*(?:#[^\r\n]*)?(?:\r\n?|\n)[ ]*")
_SCALAR_START = re.compile(r"[^&*!|>]")
_LINE_BREAK = re.compile(r"\r\n?|\n")


class Located:
    """A document's spans as character offsets into the text of its file."""

    def __init__(self, text: str, document: Document, lines: LineIndex) -> None:
        self.text = text
        self.document = document
        self._lines = lines

    def value_range(self, path: FieldPath) -> tuple[int, int] | None:
        entry = self.document.spans.get(path)
        if entry is None:
            return None
        return self._offset(entry[4], entry[5]), self._offset(entry[6], entry[7])

    def key_start(self, path: FieldPath) -> int | None:
        entry = self.document.spans.get(path)
        if entry is None or not entry[0]:
            return None
        return self._offset(entry[0], entry[1])

    def is_scalar(self, path: FieldPath) -> bool:
        entry = self.document.spans.get(path)
        return entry is not None and entry[8] == SCALAR

    def line_start(self, offset: int) -> int:
        text = self.text
        return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1

    def _offset(self, line: int, column: int) -> int:
        return self._lines.offset(line - 1, column - 1)


def text_edit(located: Located, edit: FieldEdit) -> TextEdit | None:
    if edit.action == "replace":
        return _replace(located, edit)
    if edit.action == "remove":
        return _remove(located, edit.path)
    if edit.action == "add":
        return _add(located, edit)
    return None


def _replace(located: Located, edit: FieldEdit) -> TextEdit | None:
    span = located.value_range(edit.path)
    if span is None or not located.is_scalar(edit.path):
        return None
    start, end = span
    written = located.text[start:end]
    if not written or not _SCALAR_START.match(written) or "\n" in written or "\r" in written:
        return None  # an anchor, alias, tag or block scalar: its text is not just the value
    return TextEdit(start, end, render_scalar(edit.new, written))


def _remove(located: Located, path: FieldPath) -> TextEdit | None:
    parent = located.document.get(path[:-1])
    key_start = located.key_start(path)
    span = located.value_range(path)
    if not isinstance(parent, dict) or len(parent) < 2 or key_start is None or span is None:
        return None  # the last key would leave a null mapping behind
    text = located.text
    line_start = located.line_start(key_start)
    before = text[line_start:key_start]
    value_end = span[1]
    if before.strip(" ") == "":
        rest = _REST_OF_LINE.match(text, value_end)
        return None if rest is None else TextEdit(line_start, rest.end(), "")
    if not _SEQUENCE_ENTRY_PREFIX.fullmatch(before):
        return None  # a flow mapping, or a key after other text on its line
    keys = list(parent)
    position = keys.index(path[-1])
    if position + 1 >= len(keys):
        return None
    next_key = located.key_start((*path[:-1], keys[position + 1]))
    gap = _TO_NEXT_KEY.match(text, value_end)
    if next_key is None or gap is None or gap.end() != next_key:
        return None
    return TextEdit(key_start, next_key, "")


def _add(located: Located, edit: FieldEdit) -> TextEdit | None:
    mapping = located.document.get(edit.path)
    if not isinstance(mapping, dict) or not mapping or edit.key in mapping:
        return None
    first = located.key_start((*edit.path, next(iter(mapping))))
    span = located.value_range(edit.path)
    if first is None or span is None:
        return None
    text = located.text
    entry = f"{edit.key}: {render_scalar(edit.new)}"
    if text[span[0]] == "{":
        return TextEdit(first, first, f"{entry}, ")
    line_start = located.line_start(first)
    before = text[line_start:first]
    if before.strip(" ") and not _SEQUENCE_ENTRY_PREFIX.fullmatch(before):
        return None
    return TextEdit(first, first, f"{entry}{_line_break(text, first)}{' ' * len(before)}")


def _line_break(text: str, offset: int) -> str:
    """The file's own line break, as found at the end of the line holding `offset`."""
    found = _LINE_BREAK.search(text, offset)
    return found.group() if found is not None else "\n"
