"""How a new scalar is written into a file: in the quoting style of the value it replaces, when that style can
hold it, and always so that YAML (the way kubectl reads it) gives back exactly the new value."""

from __future__ import annotations

import json
from typing import Any

from svclint.input.parsing.resolve import resolve_plain

# Characters that make a plain scalar mean something else, or end it, somewhere in a block or flow context.
_NOT_PLAIN = frozenset("#:,[]{}&*!|>'\"%@`\\\t\r\n")
_NOT_PLAIN_START = frozenset("-?")


def render_scalar(value: Any, replaced: str = "") -> str:
    """`value` as YAML text; `replaced` is the text of the scalar it takes the place of (its style is kept)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} as a scalar")
    if replaced.startswith("'"):
        return "'" + value.replace("'", "''") + "'"
    if replaced.startswith('"') or not _plain_keeps(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain_keeps(text: str) -> bool:
    """True when `text` written unquoted reads back as the same string."""
    if not text or text != text.strip() or text[0] in _NOT_PLAIN_START:
        return False
    if any(ch in _NOT_PLAIN or not ch.isprintable() for ch in text):
        return False
    return bool(resolve_plain(text) == text)
