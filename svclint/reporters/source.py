"""The lines of the files findings point into, read again only for the files that have findings.

Columns in findings count Unicode code points in the decoded text, lines are split where YAML splits them (LF,
CRLF, CR: not at U+2028 or the other breaks `str.splitlines` knows), so a caret or a UTF-16 column computed
here lands where the finding's span says. Standard input and other streams are not read again: their findings
show no source line, and their SARIF columns are code points. One instance lives as long as one report, so
nothing is served stale to a later run in the same process; within it, only the last few files' lines are held.
"""

from __future__ import annotations

import os
import re
import stat
from collections import OrderedDict

from svclint.input.parsing.decode import Decoded, decode
from svclint.reporters.present import STDIN_MARKER


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_BYTES = 32 * 1024 * 1024  # a file too large to lint is too large to quote from


# Findings come sorted by file, so a few recent files serve nearly every source line; a report over thousands
# of files with findings would otherwise hold all their lines until it is written.
_RECENT_FILES = 8


class SourceLines:
    def __init__(self) -> None:
        self._recent: OrderedDict[str, tuple[str, ...] | None] = OrderedDict()
        # Per file, its lines holding characters outside the Basic Multilingual Plane (nearly always none):
        # all that UTF-16 columns need, kept for the whole report so that no file is read twice for them.
        self._wide: dict[str, dict[int, str]] = {}

    def line(self, path: str, line: int) -> str | None:
        """Line `line` (1-based) of the file, or None when it cannot be read or decoded now (standard input,
        a vanished file)."""
        lines = self._lines(path)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def utf16_column(self, path: str, line: int, column: int) -> int:
        """A 1-based code-point column as a 1-based column in UTF-16 code units (what SARIF viewers count by
        default): characters outside the Basic Multilingual Plane take two units."""
        if path not in self._wide:
            self._lines(path)
        text = self._wide[path].get(line)
        if text is None:
            return column
        return column + sum(1 for char in text[: column - 1] if ord(char) > 0xFFFF)

    def _lines(self, path: str) -> tuple[str, ...] | None:
        if path in self._recent:
            self._recent.move_to_end(path)
            return self._recent[path]
        lines = _read_lines(path)
        if path not in self._wide:
            self._wide[path] = {} if lines is None else _wide_lines(lines)
        self._recent[path] = lines
        if len(self._recent) > _RECENT_FILES:
            self._recent.popitem(last=False)
        return lines


def _wide_lines(lines: tuple[str, ...]) -> dict[int, str]:
    return {number: text for number, text in enumerate(lines, start=1) if not text.isascii() and _has_wide(text)}


def _has_wide(text: str) -> bool:
    return any(ord(char) > 0xFFFF for char in text)


def _read_lines(path: str) -> tuple[str, ...] | None:
    if path == STDIN_MARKER:
        return None
    try:
        # Regular files only: a stream (a FIFO, `<(helm template ...)`) was read once by the run, and opening
        # it again could wait forever for a writer.
        with open(path, "rb", opener=_open_nonblocking) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            raw = handle.read(_MAX_BYTES + 1)
    except OSError:
        return None
    if len(raw) > _MAX_BYTES:
        return None
    decoded = decode(raw)
    if not isinstance(decoded, Decoded):
        return None
    return tuple(_BREAK.split(decoded.text))
