"""Walk a composed YAML node tree once: plain Python values plus the span of every key and value.

The walk is where YAML's structural problems become findings instead of crashes: duplicate keys, keys that
are not scalars, broken merge keys and alias expansion past a limit (billion laughs, CVE-2019-11253).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from sys import intern
from typing import Any

from _ruamel_yaml import MappingNode, ScalarNode, SequenceNode

from svclint.model import FieldPath, Span
from svclint.parsing.resolve import key_to_string, resolve_plain, resolve_tagged

SCALAR, MAPPING, SEQUENCE = 0, 1, 2
_MERGE_KEY = "<<"

# One entry per key or item: key span (0s when there is no key), value span, node shape.
SpanEntry = tuple[int, int, int, int, int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class StructureProblem:
    code: str  # the name of the input rule it belongs to
    message: str
    span: Span
    related: tuple[tuple[Span, str], ...] = ()
    identity: str = ""  # what names the problem without line numbers (for fingerprints); default: message


class AliasLimitExceeded(Exception):
    """Expanding aliases would build more values than the document's size can justify."""


@dataclass(slots=True)
class BuiltDocument:
    data: Any
    spans: dict[FieldPath, SpanEntry]
    problems: list[StructureProblem] = field(default_factory=list)


class TreeBuilder:
    """Turns one document's node tree into data. `line_offset` maps chunk lines to file lines."""

    __slots__ = ("_budget", "_forbid_tags", "_line_offset", "_problems", "_spans", "_visits")

    def __init__(self, line_offset: int, node_budget: int, forbid_tags: bool = False) -> None:
        self._line_offset = line_offset + 1  # marks are 0-based
        self._budget = node_budget
        self._forbid_tags = forbid_tags  # rule and configuration files: data only, no `!!python/...`
        self._visits = 0
        self._spans: dict[FieldPath, SpanEntry] = {}
        self._problems: list[StructureProblem] = []

    def build(self, root: Any) -> BuiltDocument:
        data = self._value(root, ())
        self._spans[()] = (0, 0, 0, 0, *self._marks(root), _shape(root))
        return BuiltDocument(data, self._spans, self._problems)

    def _marks(self, node: Any) -> tuple[int, int, int, int]:
        start, end = node.start_mark, node.end_mark
        off = self._line_offset
        return (start.line + off, start.column + 1, end.line + off, end.column + 1)

    def span(self, node: Any) -> Span:
        return Span(*self._marks(node))

    def _value(self, node: Any, path: FieldPath) -> Any:
        self._visits += 1
        if self._visits > self._budget:
            raise AliasLimitExceeded
        cls = node.__class__
        if self._forbid_tags and node.ctag.suffix is not None:
            self._problem("invalid-structure", f"YAML tags ({node.ctag.suffix}) are not allowed here", node)
        if cls is ScalarNode:
            value = _scalar(node)
            # Names, labels, protocols and kinds repeat across thousands of objects: one copy of each.
            return intern(value) if value.__class__ is str and len(value) <= 64 else value
        if cls is MappingNode:
            return self._mapping(node, path)
        if cls is SequenceNode:
            items = []
            for index, child in enumerate(node.value):
                child_path = (*path, index)
                self._spans[child_path] = (0, 0, 0, 0, *self._marks(child), _shape(child))
                items.append(self._value(child, child_path))
            return items
        raise TypeError(f"unexpected YAML node {cls.__name__}")  # pragma: no cover - parser invariant

    def _mapping(self, node: Any, path: FieldPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self._problem(
                    "invalid-structure",
                    "a mapping key must be a scalar: Kubernetes objects are JSON, whose keys are strings",
                    key_node,
                )
                continue
            if key_node.value == _MERGE_KEY and not key_node.style and key_node.ctag.suffix is None:
                merges.append(value_node)
                continue
            key = intern(key_to_string(_scalar(key_node)))
            earlier = first_seen.get(key)
            if earlier is not None:
                first = self.span(earlier)
                self._problems.append(
                    StructureProblem(
                        "duplicate-key",
                        f'mapping key "{key}" already defined at line {first.start_line}',
                        self.span(key_node),
                        ((first, f'first definition of "{key}"'),),
                        "duplicate-key:" + ".".join(str(p) for p in (*path, key)),
                    )
                )
            else:
                first_seen[key] = key_node
            child_path = (*path, key)
            self._spans[child_path] = (*self._marks(key_node), *self._marks(value_node), _shape(value_node))
            result[key] = self._value(value_node, child_path)
        for source in merges:
            self._merge(result, source, path)
        return result

    def _merge(self, result: dict[str, Any], source: Any, path: FieldPath) -> None:
        """`<<: *base` (YAML 1.1 merge keys, which go-yaml honours): keys written here win."""
        sources = source.value if source.__class__ is SequenceNode else [source]
        for mapping in sources:
            if mapping.__class__ is not MappingNode:
                self._problem("invalid-structure", "a merge key (<<) must refer to a mapping", mapping)
                continue
            for key_node, value_node in mapping.value:
                if key_node.__class__ is not ScalarNode:
                    continue
                key = intern(key_to_string(_scalar(key_node)))
                if key in result or key == _MERGE_KEY:
                    continue
                child_path = (*path, key)
                self._spans[child_path] = (
                    *self._marks(key_node),
                    *self._marks(value_node),
                    _shape(value_node),
                )
                result[key] = self._value(value_node, child_path)

    def _problem(self, code: str, message: str, node: Any) -> None:
        self._problems.append(StructureProblem(code, message, self.span(node)))


def _scalar(node: Any) -> Any:
    # `node.ctag.suffix` is the explicit tag, None when there is none (`node.tag` would format "None").
    tag = node.ctag.suffix
    if tag is None:
        return node.value if node.style else resolve_plain(node.value)
    return resolve_tagged(tag, node.value)


def _shape(node: Any) -> int:
    cls = node.__class__
    if cls is MappingNode:
        return MAPPING
    if cls is SequenceNode:
        return SEQUENCE
    return SCALAR
