"""Lines as YAML 1.2 and editors count them, where libyaml counts more.

YAML 1.2 breaks lines only at line feeds and carriage returns. libyaml (and go-yaml, which kubectl uses) also
break at U+0085, U+2028 and U+2029, so a quoted string holding one of them moves every later mark down a line,
and Python's `str.splitlines` breaks at even more characters. A finding must name the line an editor shows, and
a suppression comment must be matched against that same line: positions are computed from the character
offsets of libyaml's marks whenever the text holds one of these characters.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_LIBYAML_ONLY_BREAKS = re.compile("[\u0085\u2028\u2029]")
_BREAK = re.compile(r"\r\n?|\n")


def needs_line_index(text: str) -> bool:
    """True when libyaml's line numbers for `text` differ from YAML 1.2's."""
    return _LIBYAML_ONLY_BREAKS.search(text) is not None


class LineIndex:
    """0-based (line, column) of a character offset, counting only YAML 1.2 line breaks."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 0-based (line, column): the inverse of `position`."""
        return self._starts[line] + column


def yaml_lines(text: str) -> list[str]:
    """The text cut into lines where YAML 1.2 cuts it (not where `str.splitlines` does)."""
    return _BREAK.split(text)
