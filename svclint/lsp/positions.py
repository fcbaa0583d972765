"""Positions as svclint counts them (1-based lines and columns in code points) and as LSP does (0-based, columns
in UTF-16 code units by default): `é` is one unit either way, an emoji one code point but two UTF-16 units."""

from __future__ import annotations

import re

from lsprotocol import types

from svclint.core.model import Span

_BREAK = re.compile(r"\r\n?|\n")


class LineMap:
    """One text's lines, cut where YAML cuts them (as svclint's spans count), for converting positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def _line(self, index: int) -> str:
        if index >= len(self._starts):
            return ""
        start = self._starts[index]
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.text)
        return _BREAK.sub("", self.text[start:end])

    def position(self, line: int, column: int) -> types.Position:
        """The LSP position of svclint's 1-based (line, column)."""
        text = self._line(line - 1)
        return types.Position(line=line - 1, character=utf16_length(text[: column - 1]))

    def range(self, span: Span) -> types.Range:
        return types.Range(self.position(span.start_line, span.start_col), self.position(span.end_line, span.end_col))

    def offset_position(self, offset: int) -> types.Position:
        """The LSP position of a character offset into the text."""
        line = max(i for i, start in enumerate(self._starts) if start <= offset)
        return types.Position(line=line, character=utf16_length(self.text[self._starts[line] : offset]))

    def column(self, position: types.Position) -> tuple[int, int]:
        """svclint's 1-based (line, column) of an LSP position."""
        text = self._line(position.line)
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return position.line + 1, index + 1
            units += utf16_length(char)
        return position.line + 1, len(text) + 1


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def contains(span: Span, line: int, column: int) -> bool:
    """True when the 1-based (line, column) is inside the span (its end included: the cursor after the value)."""
    return (span.start_line, span.start_col) <= (line, column) <= (span.end_line, span.end_col)
