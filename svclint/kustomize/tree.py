"""The kustomization files of a run and what each one names: local files and folders, remote bases, patches.

Only files of the run are read (the paths given and --context), and each kustomization file once: what a
kustomization names outside them is reported as not followed, never opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.model import FieldPath, Span
from svclint.input.document import Document
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.kustomize.provenance import Origin

# A kustomization or patch file larger than this is not a kustomization anyone wrote by hand.
MAX_FILE_BYTES = 4 * 1024 * 1024
_REMOTE_PREFIXES = ("git@", "git::", "ssh://", "github.com/", "gitlab.com/", "bitbucket.org/")


class Entry(Struct, frozen=True):
    """One item of a list of a kustomization (`resources`, `components`, ...): its text and where it is."""

    key: str
    index: int
    text: str

    @property
    def path(self) -> FieldPath:
        return (self.key, self.index)

    @property
    def remote(self) -> bool:
        """A URL or a git reference: kustomize would download it; svclint never does."""
        text = self.text
        return "://" in text or text.startswith(_REMOTE_PREFIXES) or "?ref=" in text or "?version=" in text


class Kustomization(Struct):
    """A kustomization file of the run, read with its positions."""

    display: str  # the path findings show
    folder: str  # its folder, absolute
    document: Document

    @property
    def data(self) -> dict[str, Any]:
        data = self.document.data
        return data if isinstance(data, dict) else {}

    @property
    def component(self) -> bool:
        return self.data.get("kind") == "Component"

    def origin(self, path: FieldPath) -> Origin:
        return Origin(self.document, path, whole=True)

    def span(self, path: FieldPath) -> Span:
        return self.document.locate(path)

    def entries(self, *keys: str) -> Iterator[Entry]:
        for key in keys:
            items = self.data.get(key)
            for index, item in enumerate(items if isinstance(items, list) else ()):
                if isinstance(item, str) and item:
                    yield Entry(key, index, item)

    def resolve(self, entry: Entry) -> str:
        return os.path.normpath(os.path.join(self.folder, entry.text))


def read_documents(display: str) -> list[Document] | str:
    """The YAML documents of a file of the run, with positions; or why they cannot be read."""
    try:
        raw = read_regular_file(display, MAX_FILE_BYTES, "kustomize file")
    except FileReadError as err:
        return str(err)
    except OSError as err:
        return f"cannot read: {err.strerror}"
    loaded = load_bytes(display, raw, LoadOptions(objects=False, max_file_bytes=MAX_FILE_BYTES))
    if any(problem.code in ("yaml-syntax", "resource-limit") for problem in loaded.problems):
        return "it is not valid YAML"
    return [document for document in loaded.documents if document.data is not None]


def read_text_documents(display: str, text: str) -> list[Document]:
    """The documents of a patch written inline in a kustomization (positions inside the text only)."""
    loaded = load_bytes(display, text.encode("utf-8"), LoadOptions(objects=False, max_file_bytes=MAX_FILE_BYTES))
    if loaded.problems and any(problem.code == "yaml-syntax" for problem in loaded.problems):
        return []
    return [document for document in loaded.documents if document.data is not None]


def read_kustomization(display: str) -> Kustomization | str:
    documents = read_documents(display)
    if isinstance(documents, str):
        return documents
    found = next((d for d in documents if isinstance(d.data, dict)), None)
    if found is None:
        return "it holds no mapping"
    return Kustomization(display, os.path.dirname(os.path.abspath(display)), found)
