"""Walk a composed YAML node tree once: plain Python values plus the span of every key and value.

The walk is where YAML's structural problems become findings instead of crashes: duplicate keys, keys that
are not scalars, broken merge keys and alias expansion past a limit (billion laughs, CVE-2019-11253).
"""

from __future__ import annotations

from collections.abc import Iterator
from sys import intern
from typing import Any

from _ruamel_yaml import MappingNode, ScalarNode, SequenceNode
from msgspec import Struct, field

from svclint.core.model import FieldPath, Span
from svclint.input.parsing.depth import MAX_DEPTH
from svclint.input.parsing.lines import LineIndex
from svclint.input.parsing.resolve import key_to_string, resolve_plain, resolve_tagged
from svclint.input.spans import MAPPING, SCALAR, SEQUENCE, SpanEntry

_MERGE_KEY = "<<"


class StructureProblem(Struct, frozen=True):
    code: str  # the name of the input rule it belongs to
    message: str
    span: Span
    related: tuple[tuple[Span, str], ...] = ()
    identity: str = ""  # what names the problem without line numbers (for fingerprints); default: message


class AliasLimitExceeded(Exception):
    """Expanding aliases would build more values than the document's size can justify."""


class NestingLimitExceeded(Exception):
    """Values nested deeper than the limit; `node` is the first collection past it."""

    def __init__(self, node: Any) -> None:
        super().__init__()
        self.node = node


class RecursiveAlias(Exception):
    """An alias refers to a collection that contains it (`a: &a [*a]`): the value would be infinite."""

    def __init__(self, node: Any) -> None:
        super().__init__()
        self.node = node  # the anchored collection; the alias itself has no node of its own


# What the walk still has to do for one open collection: its remaining entries (key or index, key node or
# None, value node), the container they go into, its path, and its node.
_Frame = tuple[Iterator[tuple[Any, Any, Any]], Any, FieldPath, Any]


class BuiltDocument(Struct):
    data: Any
    spans: dict[FieldPath, SpanEntry]
    problems: list[StructureProblem] = field(default_factory=list)


class TreeBuilder:
    """Turns one document's node tree into data. `line_offset` maps chunk lines to file lines.

    The walk keeps its own stack instead of recursing, so that the nesting limit (`max_depth`) is the only
    limit on depth: Python's recursion limit would otherwise stop it first, at a depth that depends on the shape.
    """

    __slots__ = (
        "_budget",
        "_forbid_tags",
        "_line_index",
        "_line_offset",
        "_lines",
        "_max_depth",
        "_open",
        "_problems",
        "_spans",
        "_visits",
    )

    def __init__(
        self,
        line_offset: int,
        node_budget: int,
        forbid_tags: bool = False,
        max_depth: int = MAX_DEPTH,
        line_index: LineIndex | None = None,
    ) -> None:
        self._line_offset = line_offset + 1  # marks are 0-based
        # Set when the text holds line breaks that libyaml counts and YAML 1.2 does not (see lines.py).
        self._line_index = line_index
        self._budget = node_budget
        self._forbid_tags = forbid_tags  # rule and configuration files: data only, no `!!python/...`
        self._max_depth = max_depth
        self._visits = 0
        self._spans: dict[FieldPath, SpanEntry] = {}
        self._problems: list[StructureProblem] = []
        self._open: set[int] = set()  # ids of the collections being built: the ancestors of the current node
        # One int object per line number: a key, its value and their ends share a line, and each new int past 256
        # costs 32 bytes; a quarter of a large file's span memory was copies of the same line numbers.
        self._lines: dict[int, int] = {}

    def build(self, root: Any) -> BuiltDocument:
        stack: list[_Frame] = []
        data = self._enter(root, (), stack)
        while stack:
            entries, container, path, node = stack[-1]
            entry = next(entries, None)
            if entry is None:
                stack.pop()
                self._open.discard(id(node))
                continue
            key, key_node, child = entry
            child_path = (*path, key)
            key_marks = (0, 0, 0, 0) if key_node is None else self._marks(key_node)
            self._spans[child_path] = (*key_marks, *self._marks(child), _shape(child))
            value = self._enter(child, child_path, stack)
            if key_node is None:
                container.append(value)
            else:
                container[key] = value
        self._spans[()] = (0, 0, 0, 0, *self._marks(root), _shape(root))
        return BuiltDocument(data, self._spans, self._problems)

    def _marks(self, node: Any) -> tuple[int, int, int, int]:
        start, end = node.start_mark, node.end_mark
        off = self._line_offset
        lines = self._lines
        if self._line_index is not None:
            start_line, start_col = self._line_index.position(start.index)
            end_line, end_col = self._line_index.position(end.index)
            first, last = start_line + off, end_line + off
            return (lines.setdefault(first, first), start_col + 1, lines.setdefault(last, last), end_col + 1)
        first, last = start.line + off, end.line + off
        return (lines.setdefault(first, first), start.column + 1, lines.setdefault(last, last), end.column + 1)

    def span(self, node: Any) -> Span:
        return Span(*self._marks(node))

    def _enter(self, node: Any, path: FieldPath, stack: list[_Frame]) -> Any:
        """A scalar's value; for a collection, an empty container whose entries `build` fills in later."""
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
        if id(node) in self._open:
            raise RecursiveAlias(node)
        if len(stack) >= self._max_depth:
            raise NestingLimitExceeded(node)
        container: Any
        entries: Iterator[tuple[Any, Any, Any]]
        if cls is MappingNode:
            container = {}
            entries = self._mapping_entries(node, container, path)
        elif cls is SequenceNode:
            container = []
            entries = ((index, None, child) for index, child in enumerate(node.value))
        else:  # pragma: no cover - parser invariant
            raise TypeError(f"unexpected YAML node {cls.__name__}")
        self._open.add(id(node))
        stack.append((entries, container, path, node))
        return container

    def _mapping_entries(self, node: Any, result: dict[str, Any], path: FieldPath) -> Iterator[tuple[Any, Any, Any]]:
        """The entries of a mapping in order, then what its merge keys bring that it does not define itself."""
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
            yield key, key_node, value_node
        for source in merges:
            yield from self._merged_entries(result, source)

    def _merged_entries(self, result: dict[str, Any], source: Any) -> Iterator[tuple[Any, Any, Any]]:
        """`<<: *base` (YAML 1.1 merge keys, which go-yaml honours): keys written here win."""
        sources = source.value if source.__class__ is SequenceNode else [source]
        for mapping in sources:
            if mapping.__class__ is not MappingNode:
                self._problem("invalid-structure", "a merge key (<<) must refer to a mapping", mapping)
                continue
            if id(mapping) in self._open:
                raise RecursiveAlias(mapping)
            for key_node, value_node in mapping.value:
                if key_node.__class__ is not ScalarNode:
                    continue
                key = intern(key_to_string(_scalar(key_node)))
                if key in result or key == _MERGE_KEY:
                    continue
                yield key, key_node, value_node

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
