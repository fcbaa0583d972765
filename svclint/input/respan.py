"""Reading a file's spans again, for documents that let go of theirs (see Document.without_spans).

A worker reads each file once and keeps compact copies of the objects the cross-resource checks need. Their
spans would be most of a large run's memory, and would have to be sent back from the worker, so the copies
carry a FileOrigin instead: how to read the same file the same way again. It is read again only when a
cross-resource finding needs a position in it, and only if its bytes are still the ones that were linted.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections import deque
from pathlib import Path

from msgspec.structs import replace

from svclint.core.model import FieldPath
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.input.spans import SpanEntry

# Findings come file by file, so the spans of the last few files read again are kept and older ones let go:
# memory stays flat however many files have findings.
_RECENT_FILES = 8
_recent: deque[FileOrigin] = deque()


class FileOrigin:
    """One file as it was read: its path (or the bytes of stdin), the load options, and a checksum."""

    __slots__ = ("_spans", "checksum", "display", "helm_template", "options", "real", "size", "stdin")

    def __init__(self, display: str, real: Path | None, raw: bytes, options: LoadOptions) -> None:
        self.display = display
        # Its path as text: a run keeps an origin per file, and a Path object costs several times its string.
        # Usually the path shown is that text: then one string serves both.
        text = None if real is None else os.fspath(real)
        self.real = display if text == display else text
        # Streams cannot be read twice: stdin, and FIFOs such as `<(kustomize build)` (a second open would wait
        # for a writer that is gone). Their bytes are kept; regular files are read again.
        self.stdin = raw if self.real is None or not _regular(self.real) else None
        self.options: LoadOptions | None = options
        self.helm_template = options.helm_template
        self.size = len(raw)
        self.checksum = zlib.crc32(raw)
        self._spans: dict[int, dict[FieldPath, SpanEntry]] | None = None

    def __getstate__(self) -> tuple[object, ...]:
        # Neither the spans read in one process nor the options travel: the options are the run's (the kinds
        # to skip alone would be a few kilobytes per file), and the receiving process binds them again.
        return (self.display, self.real, self.stdin, self.helm_template, self.size, self.checksum)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        self.display, self.real, self.stdin, self.helm_template, self.size, self.checksum = state  # type: ignore[assignment]
        self.options = None
        self._spans = None

    def hold(self, spans: dict[int, dict[FieldPath, SpanEntry]]) -> None:
        """Keep the spans of the first reading: a stream would only be parsed again from the bytes kept."""
        if self.stdin is not None:
            self._spans = spans

    def bind(self, options: LoadOptions) -> None:
        """The run's load options, in a process that received this origin from another."""
        self.options = replace(options, helm_template=True) if self.helm_template else options

    def spans_for(self, index: int) -> dict[FieldPath, SpanEntry] | None:
        if self._spans is None:
            self._spans = self._read()
            _recent.append(self)
            if len(_recent) > _RECENT_FILES:
                _recent.popleft()._spans = None
        return self._spans.get(index)

    def _read(self) -> dict[int, dict[FieldPath, SpanEntry]]:
        raw = self.stdin
        if raw is None and self.real is not None:
            try:
                with open(self.real, "rb") as handle:
                    raw = handle.read()
            except OSError:
                return {}
        if raw is None or self.options is None or len(raw) != self.size or zlib.crc32(raw) != self.checksum:
            return {}
        loaded = load_bytes(self.display, raw, self.options)
        return {document.index: document.spans for document in loaded.documents}


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
