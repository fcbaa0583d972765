"""Split a YAML stream into documents the way kubectl does, and peek at each one's kind.

kubectl reads a multi-document file with apimachinery's YAMLReader, which cuts the text at every line that
starts with `---` followed only by blanks or a comment. svclint cuts at the same lines, so that each document
can be parsed on its own: a document whose kind no rule reads is only syntax-checked, never built.
"""

from __future__ import annotations

import re
from itertools import pairwise

from msgspec import Struct

_SEPARATOR = re.compile(r"^---[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
# `kind: Service` at column 0 is a key of the top-level mapping; quoted keys and values are allowed.
_KIND = re.compile(
    r"""^(?:kind|"kind"|'kind')[ \t]*:[ \t]*["']?([A-Za-z0-9_.-]+)["']?[ \t]*(?:\#[^\r\n]*)?\r?$""",
    re.MULTILINE,
)
_CONTENT_LINE = re.compile(r"^[ \t]*[^ \t\r\n#]", re.MULTILINE)


class Chunk(Struct, frozen=True):
    text: str
    first_line: int  # 0-based line of the chunk's first character in the file
    kind_hint: str | None  # the one top-level `kind:` the text shows, when it shows exactly one


def split_documents(text: str) -> list[Chunk]:
    starts = [m.start() for m in _SEPARATOR.finditer(text) if m.start() > 0]
    bounds = [0, *starts, len(text)]
    pieces: list[tuple[int, str]] = []
    for begin, end in pairwise(bounds):
        piece = text[begin:end]
        if pieces and _directives_only(pieces[-1][1]):
            # `%YAML 1.1` belongs to the document after its `---`.
            prev_begin, prev_text = pieces.pop()
            pieces.append((prev_begin, prev_text + piece))
        else:
            pieces.append((begin, piece))
    chunks: list[Chunk] = []
    line = 0
    cursor = 0
    for begin, piece in pieces:
        line += text.count("\n", cursor, begin)
        cursor = begin
        chunks.append(Chunk(piece, line, _kind_hint(piece)))
    return chunks


def _kind_hint(piece: str) -> str | None:
    found = _KIND.findall(piece)
    return found[0] if len(found) == 1 else None


def _directives_only(piece: str) -> bool:
    if "%" not in piece:
        return False
    lines = [m.group(0).strip() for m in _CONTENT_LINE.finditer(piece)]
    return bool(lines) and all(line.startswith("%") for line in lines)


def has_content(piece: str) -> bool:
    """False for a document of only blank lines, comments and separators (kubectl skips those)."""
    for match in _CONTENT_LINE.finditer(piece):
        line_end = piece.find("\n", match.start())
        line = piece[match.start() : line_end if line_end >= 0 else len(piece)].strip()
        if line not in ("---", "...") and not re.fullmatch(r"(?:---|\.\.\.)[ \t]*(?:#.*)?", line):
            return True
    return False
