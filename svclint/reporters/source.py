"""The lines of the files findings point into, read again only for the files that have findings.

Columns in findings count Unicode code points in the decoded text, lines are split where YAML splits them (LF,
CRLF, CR: not at U+2028 or the other breaks `str.splitlines` knows), so a caret or a UTF-16 column computed
here lands where the finding's span says. Standard input and other streams are not read again: their findings
show no source line, and their SARIF columns are code points. One instance lives as long as one report: files
are read once per report, and never served stale to a later run in the same process.
"""

from __future__ import annotations

import os
import re
import stat

from svclint.input.parsing.decode import Decoded, decode
from svclint.reporters.present import STDIN_MARKER


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_BYTES = 32 * 1024 * 1024  # a file too large to lint is too large to quote from


class SourceLines:
    def __init__(self) -> None:
        self._files: dict[str, tuple[str, ...] | None] = {}

    def line(self, path: str, line: int) -> str | None:
        """Line `line` (1-based) of the file, or None when it cannot be read or decoded now (standard input,
        a vanished file)."""
        if path not in self._files:
            self._files[path] = _read_lines(path)
        lines = self._files[path]
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def utf16_column(self, path: str, line: int, column: int) -> int:
        """A 1-based code-point column as a 1-based column in UTF-16 code units (what SARIF viewers count by
        default): characters outside the Basic Multilingual Plane take two units."""
        text = self.line(path, line)
        if text is None:
            return column
        return column + sum(1 for char in text[: column - 1] if ord(char) > 0xFFFF)


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
