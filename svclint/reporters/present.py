"""What every human-facing format shares: untrusted text made inert, and one spelling of every path.

Manifest text (names, values, keys) and file names come from whoever wrote the repository. Written raw they can
move the cursor, recolour the terminal, split one finding over two lines (breaking grep, editors' error formats
and CI log parsers) or reverse the text around them (bidirectional controls). So control and invisible
formatting characters are shown as escapes: `\\x1b`, `\\n`, `\\u202e`. Paths in JSON formats (json, gitlab,
sarif) stay exact, so that scripts and CI can open the files: JSON's own escapes make them inert there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

# How sources.py names standard input when --stdin-filename is not given.
STDIN_MARKER = "<stdin>"
# The one spelling of unnamed standard input in every format (a valid relative URI in SARIF, too).
STDIN_NAME = "stdin"

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# C0 and C1 controls, DEL, line and paragraph separators, bidirectional and zero-width formatting characters.
# (Bytes of a file name that is not UTF-8 arrive as lone surrogates; the writer in cli.py encodes those per
# format, see docs/input.md.)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def escape(text: str) -> str:
    """`"x\\x1b[31mRED"` -> `x\\\\x1b[31mRED`: the text, with every unsafe character spelled out."""
    return _UNSAFE.sub(_spell, text)


def _spell(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def report_path(path: str, root: Path) -> str:
    """The one spelling of a finding's file: relative to the root (project.project_root: the repository's) with
    `/`, absolute when outside it, `stdin` for unnamed standard input. A --stdin-filename is a path like any other."""
    if path == STDIN_MARKER:
        return STDIN_NAME
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.path.abspath(root)) if _on_same_drive(absolute, root) else ".."
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return PurePosixPath(Path(absolute).as_posix()).as_posix()
    return PurePosixPath(*Path(relative).parts).as_posix()


def _on_same_drive(absolute: str, root: Path) -> bool:
    return os.path.splitdrive(absolute)[0] == os.path.splitdrive(os.path.abspath(root))[0]


def shown_path(path: str, root: Path) -> str:
    """`report_path`, made safe to print."""
    return escape(report_path(path, root))
