"""Parsed documents and the Kubernetes objects in them, with exact spans for any field path."""

from __future__ import annotations

from typing import Any, Protocol

from msgspec import Struct

from svclint.core.model import FieldPath, ResourceRef, Span
from svclint.input.spans import MAPPING, SCALAR, SpanEntry

DEFAULT_NAMESPACE = "default"


class SpanSource(Protocol):
    """Where the spans of a document can be read again when they were let go (see svclint.input.respan)."""

    def spans_for(self, index: int) -> dict[FieldPath, SpanEntry] | None: ...


class Document:
    """One YAML document of a file. Spans are counted in the file as written.

    Documents kept until the end of a run (Services and workloads, for the cross-resource checks) let go of
    their spans, which take more memory than the data, and read them again from their file only when a finding
    needs a position: most objects never do.
    """

    __slots__ = ("_fallback_line", "_spans", "data", "index", "origin", "path")

    def __init__(
        self,
        path: str,
        index: int,
        data: Any,
        spans: dict[FieldPath, SpanEntry] | None,
        origin: SpanSource | None = None,
    ) -> None:
        self.path = path
        self.index = index
        self.data = data
        self._spans = spans
        self._fallback_line = 1
        self.origin = origin

    @property
    def spans(self) -> dict[FieldPath, SpanEntry]:
        if self._spans is not None:
            return self._spans
        found = self.origin.spans_for(self.index) if self.origin is not None else None
        if found is not None:
            return found  # not held here: the origin keeps the spans of the files read last
        # The file changed or vanished since it was read: the object's first line is all that is known.
        line = self._fallback_line
        self._spans = {(): (0, 0, 0, 0, line, 1, line, 1, SCALAR)}
        return self._spans

    def without_spans(self, origin: SpanSource, prefix: FieldPath = ()) -> Document:
        """A copy that reads its spans from `origin` when asked. Should the file change before then, findings
        fall back to the first line of the object at `prefix`."""
        copy = Document(self.path, self.index, self.data, None, origin)
        entry = self.spans.get(prefix)
        if entry is not None:
            copy._fallback_line = entry[4]
        return copy

    def __repr__(self) -> str:
        return f"Document({self.path!r}, {self.index})"

    def locate(self, path: FieldPath) -> Span:
        """Where a finding about `path` belongs.

        A scalar: its value. A mapping or sequence: its key. A field that is not there: the key of the closest
        ancestor that is (the way Spectral reports a missing property).
        """
        entry = self.spans.get(path)
        if entry is not None:
            if entry[8] == SCALAR or entry[0] == 0:
                if entry[0] == 0 and entry[8] == MAPPING:
                    first_key = self._first_key_span(path)
                    if first_key is not None:
                        return first_key
                return Span(*entry[4:8])
            return Span(*entry[0:4])
        for cut in range(len(path) - 1, -1, -1):
            entry = self.spans.get(path[:cut])
            if entry is None:
                continue
            if entry[0]:
                return Span(*entry[0:4])
            first_key = self._first_key_span(path[:cut])
            return first_key if first_key is not None else Span(*entry[4:8])
        return Span.point(1, 1)  # pragma: no cover - the root is always recorded

    def source_file(self, path: FieldPath) -> str:
        """The file that wrote the value at `path` (a built object's values come from several)."""
        return self.path

    def key_span(self, path: FieldPath) -> Span | None:
        entry = self.spans.get(path)
        if entry is None or not entry[0]:
            return None
        return Span(*entry[0:4])

    def value_span(self, path: FieldPath) -> Span | None:
        entry = self.spans.get(path)
        return None if entry is None else Span(*entry[4:8])

    def _first_key_span(self, path: FieldPath) -> Span | None:
        """A mapping with no key of its own (a sequence item, a document): the line of its first key."""
        value = self.get(path)
        if isinstance(value, dict) and value:
            first = next(iter(value))
            return self.key_span((*path, first))
        return None

    def get(self, path: FieldPath) -> Any:
        return get_in(self.data, path)


class Resource(Struct):
    """A Kubernetes object: a whole document, or one item of a `kind: List`."""

    document: Document
    prefix: FieldPath  # () for a whole document, ('items', 3) for a List item
    data: dict[str, Any]
    reported: bool = True  # False for objects loaded only as context (--context)
    partial: bool = False  # a patch (kustomize): fields it does not mention are unknown, not absent
    # Entries of firewall export files are resources too, of kinds like `gcloud:firewall`.
    synthetic_kind: str | None = None
    synthetic_name: str | None = None

    # Identity, read once: rules and the inventory ask for it many times. Always computed from the data (and the
    # synthetic kind and name) after construction; a value given here is replaced.
    kind: str = ""
    api_version: str = ""
    name: str = ""
    namespace: str = ""

    def __post_init__(self) -> None:
        data = self.data
        kind = data.get("kind")
        self.kind = self.synthetic_kind or (kind if isinstance(kind, str) else "")
        version = data.get("apiVersion")
        self.api_version = version if isinstance(version, str) else ""
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        name, generate = metadata.get("name"), metadata.get("generateName")
        if self.synthetic_name is not None:
            self.name = self.synthetic_name
        elif isinstance(name, str) and name:
            self.name = name
        else:
            self.name = f"{generate}*" if isinstance(generate, str) and generate else "<unnamed>"
        namespace = metadata.get("namespace")
        if self.synthetic_kind is not None:
            self.namespace = "-"
        else:
            self.namespace = namespace if isinstance(namespace, str) and namespace else DEFAULT_NAMESPACE

    @property
    def path(self) -> str:
        return self.document.path

    def ref(self) -> ResourceRef:
        return ResourceRef(self.kind, self.namespace, self.name, self.api_version)

    def locate(self, path: FieldPath) -> Span:
        return self.document.locate((*self.prefix, *path))

    def file_of(self, path: FieldPath) -> str:
        return self.document.source_file((*self.prefix, *path))

    def key_span(self, path: FieldPath) -> Span | None:
        return self.document.key_span((*self.prefix, *path))

    def value_span(self, path: FieldPath) -> Span | None:
        return self.document.value_span((*self.prefix, *path))

    def get(self, path: FieldPath) -> Any:
        return get_in(self.data, path)


def get_in(data: Any, path: FieldPath) -> Any:
    """The value at `path`, or None when any step is missing or of the wrong shape."""
    node = data
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node):
                return None
            node = node[part]
        else:
            if not isinstance(node, dict):
                return None
            node = node.get(part)
    return node


def label_text(value: Any) -> str:
    """A label or annotation value as Kubernetes reads it: a string (`true` and `8080` are "true" and "8080")."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)
