"""JSONPath selectors, compiled once when the rules load.

Most selectors in rules are plain paths (`$.spec.ports[*].nodePort`). Those are compiled into a list of steps
and walked in plain Python, which is two orders of magnitude faster than evaluating jsonpath-ng's AST on every
resource. Everything else (filters, recursive descent, unions, slices) is parsed and evaluated by jsonpath-ng,
and its matches are turned into the same (path, value) pairs. tests/unit/engine/test_selectors.py checks that
both agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath

Match = tuple[FieldPath, Any]

_WILDCARD = object()
_STEP = re.compile(
    r"""\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)
      | \.\*|\[\*\]
      | \[(?P<index>-?[0-9]+)\]
      | \[(?P<quote>['"])(?P<quoted>(?:(?!(?P=quote)).)*)(?P=quote)\]""",
    re.VERBOSE,
)


# Bounds on what one selector may cost (docs/security.md). A recursive descent inside another (`$..a..b`,
# `$..*[?(@..x)]`) costs the square of the document's size or more, so it is refused when the rule loads; and
# no selector may match more values than this in one object.
MAX_RECURSIVE_DESCENTS = 1
MAX_MATCHES = 100_000
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


class SelectorError(ValueError):
    """The selector is not valid JSONPath, or too costly (the message says why)."""


class Selector(Struct, frozen=True):
    text: str
    steps: tuple[Any, ...] | None  # None: evaluated by jsonpath-ng
    _compiled: Any = None

    def find(self, data: Any) -> list[Match]:
        if self.steps is not None:
            found = list(_walk(data, (), self.steps, 0))
        else:
            found = _find_with_jsonpath_ng(self._compiled, data)
        if len(found) > MAX_MATCHES:
            raise SelectorError(
                f"{self.text} matched {len(found):,} values in this object, more than the {MAX_MATCHES:,} "
                "a selector may match: evaluation stopped (narrow the selector)"
            )
        return found

    def first(self, data: Any) -> Any:
        """The first matching value, or None: for conditions, which read one value."""
        if self.steps is not None:
            node = data
            for step in self.steps:
                if step is _WILDCARD:
                    return next((value for _, value in _walk(data, (), self.steps, 0)), None)
                if isinstance(step, int):
                    if not isinstance(node, list) or not -len(node) <= step < len(node):
                        return None
                    node = node[step]
                elif isinstance(node, dict) and step in node:
                    node = node[step]
                else:
                    return None
            return node
        found = self.find(data)
        return found[0][1] if found else None


def compile_selector(text: str) -> Selector:
    descents = _QUOTED.sub("''", text).count("..")
    if descents > MAX_RECURSIVE_DESCENTS:
        raise SelectorError(
            f"{text!r} nests a recursive descent (..) inside another: its cost grows with the square of the "
            "object's size or faster; use one `..` at most, then plain steps"
        )
    steps = _simple_steps(text)
    if steps is not None:
        return Selector(text, steps)
    return Selector(text, None, _parse_with_jsonpath_ng(text))


def _simple_steps(text: str) -> tuple[Any, ...] | None:
    if not text.startswith("$"):
        return None
    steps: list[Any] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            return None
        if match.group("name") is not None:
            steps.append(match.group("name"))
        elif match.group("index") is not None:
            steps.append(int(match.group("index")))
        elif match.group("quote") is not None:
            steps.append(match.group("quoted"))
        else:
            steps.append(_WILDCARD)
        position = match.end()
    return tuple(steps)


def _walk(node: Any, path: FieldPath, steps: tuple[Any, ...], at: int) -> Iterator[Match]:
    if at == len(steps):
        yield path, node
        return
    step = steps[at]
    if step is _WILDCARD:
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _walk(item, (*path, index), steps, at + 1)
        elif isinstance(node, dict):
            for key, item in node.items():
                yield from _walk(item, (*path, key), steps, at + 1)
    elif isinstance(step, int):
        if isinstance(node, list) and -len(node) <= step < len(node):
            index = step % len(node)
            yield from _walk(node[index], (*path, index), steps, at + 1)
    elif isinstance(node, dict) and step in node:
        yield from _walk(node[step], (*path, step), steps, at + 1)


def _parse_with_jsonpath_ng(text: str) -> Any:
    try:
        from jsonpath_ng.ext import parse  # type: ignore[attr-defined]
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise SelectorError(f"jsonpath-ng is needed for the selector {text!r}: {err}") from err
    try:
        return parse(text)
    except Exception as err:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise SelectorError(f"invalid JSONPath {text!r}: {err}") from err


def _find_with_jsonpath_ng(compiled: Any, data: Any) -> list[Match]:
    from jsonpath_ng import jsonpath

    try:
        matches = compiled.find(data)
    except Exception as err:  # a filter comparing a number with null, and the like
        raise SelectorError(f"the selector failed on this object: {err}") from err
    out: list[Match] = []
    for match in matches:
        out.append((_path_of(match, jsonpath), match.value))
    return out


def _path_of(match: Any, jsonpath: Any) -> FieldPath:
    parts: list[str | int] = []
    node = match
    while node is not None:
        step = node.path
        if isinstance(step, jsonpath.Index):
            indices = getattr(step, "indices", None)  # jsonpath-ng >= 1.7 keeps a tuple of indices
            index = indices[0] if indices else step.index
            parent = node.context.value if node.context is not None else None
            if index < 0 and isinstance(parent, list) and parent:
                index %= len(parent)  # spans are indexed from the start
            parts.append(index)
        elif isinstance(step, jsonpath.Fields) and len(step.fields) == 1:
            parts.append(step.fields[0])
        node = node.context
    parts.reverse()
    return tuple(parts)
