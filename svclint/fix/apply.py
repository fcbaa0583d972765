"""The fixes of one file's findings applied to its bytes, each checked by reading the result back.

Edits are made at the exact spans of the values (see textedit.py), not by writing the document out again, so
comments, key order, quoting, indentation, anchors and document separators stay byte for byte. After editing,
the new text is parsed again: every document must hold exactly the data of before with the fixed fields
changed, and no new problem. A fix that fails this check is left out, never written.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from msgspec import Struct, field

from svclint.core.model import FieldEdit, Finding, Fix
from svclint.fix.textedit import Located, TextEdit, text_edit
from svclint.input.document import get_in
from svclint.input.parsing.decode import Decoded, decode
from svclint.input.parsing.lines import LineIndex
from svclint.input.parsing.loader import LoadedFile, LoadOptions, load_text

_OPTIONS = LoadOptions(max_file_bytes=1 << 62)


class FixedFile(Struct):
    """A file's bytes before and after its fixes, and which findings were fixed and which could not be."""

    path: str
    original: bytes
    fixed: bytes
    applied: list[Finding] = field(default_factory=list)
    unfixable: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original


class _Planned(Struct, frozen=True):
    finding: Finding
    edits: tuple[TextEdit, ...]


def fix_bytes(path: str, raw: bytes, findings: Sequence[Finding]) -> FixedFile:
    """Apply the fixes of `findings` (all of the file at `path`, all with a fix) to `raw`."""
    result = FixedFile(path, raw, raw)
    source = _Source.read(path, raw)
    if source is None:
        result.unfixable.extend(findings)
        return result
    planned: list[_Planned] = []
    for finding in findings:
        edits = source.text_edits(finding.fix) if finding.fix is not None else None
        if edits is None:
            result.unfixable.append(finding)
        else:
            planned.append(_Planned(finding, edits))
    chosen, overlapping = _without_overlaps(planned)
    accepted = chosen if source.verify(chosen) else [item for item in chosen if source.verify([item])]
    if accepted and len(accepted) < len(chosen) and not source.verify(accepted):
        accepted = accepted[:1]  # each passed alone, not together: one now, the rest on the next pass
    result.fixed = source.encode(_edited(source.text, accepted))
    result.applied = [item.finding for item in accepted]
    result.unfixable.extend(item.finding for item in chosen if item not in accepted)
    result.unfixable.extend(overlapping)
    return result


def fix_edits(path: str, text: str, finding: Finding) -> tuple[TextEdit, ...] | None:
    """The character edits that make `finding`'s fix in `text` (an editor's buffer), checked the same way."""
    if finding.fix is None:
        return None
    source = _Source(path, text, b"", "utf-8")
    edits = source.text_edits(finding.fix)
    if edits is None or not source.verify([_Planned(finding, edits)]):
        return None
    return edits


class _Source:
    """The file's text, its encoding, and its documents with their spans."""

    def __init__(self, path: str, text: str, prefix: bytes, encoding: str) -> None:
        self.path = path
        self.text = text
        self._prefix = prefix
        self._encoding = encoding
        self._loaded = load_text(path, text, _OPTIONS)
        self._documents = {document.index: document for document in self._loaded.documents}
        self._lines = LineIndex(text)

    @classmethod
    def read(cls, path: str, raw: bytes) -> _Source | None:
        decoded = decode(raw)
        if not isinstance(decoded, Decoded):
            return None
        body = decoded.text.encode(decoded.encoding)
        if not raw.endswith(body):
            return None  # the text would not be written back as the same bytes
        return cls(path, decoded.text, raw[: len(raw) - len(body)], decoded.encoding)

    def encode(self, text: str) -> bytes:
        return self._prefix + text.encode(self._encoding)

    def text_edits(self, fix: Fix) -> tuple[TextEdit, ...] | None:
        document = self._documents.get(fix.document)
        if document is None:
            return None
        located = Located(self.text, document, self._lines)
        edits = []
        for edit in fix.edits:
            if edit.action != "add" and not _same(document.get(edit.path), edit.old):
                return None  # the file is not what the run read
            made = text_edit(located, edit)
            if made is None:
                return None
            edits.append(made)
        return tuple(edits)

    def verify(self, planned: Sequence[_Planned]) -> bool:
        """True when the edited text reads back as the documents with exactly these fixes made."""
        if not planned:
            return True
        expected = {index: copy.deepcopy(document.data) for index, document in self._documents.items()}
        for item in planned:
            fix = item.finding.fix
            assert fix is not None
            for edit in fix.edits:
                if not _apply_to_data(expected, fix.document, edit):
                    return False
        again = load_text(self.path, _edited(self.text, planned), _OPTIONS)
        found = {document.index: document.data for document in again.documents}
        return _same(found, expected) and _problems(again) == _problems(self._loaded)


def _without_overlaps(planned: Sequence[_Planned]) -> tuple[list[_Planned], list[Finding]]:
    """Fixes whose edits touch no other's, in file order; the others wait for the next pass."""
    chosen: list[_Planned] = []
    taken: list[TextEdit] = []
    left: list[Finding] = []
    for item in sorted(planned, key=lambda p: min(p.edits)):
        if any(_touch(edit, other) for edit in item.edits for other in taken):
            left.append(item.finding)
            continue
        chosen.append(item)
        taken.extend(item.edits)
    return chosen, left


def _touch(one: TextEdit, other: TextEdit) -> bool:
    return one.start <= other.end and other.start <= one.end


def _edited(text: str, planned: Sequence[_Planned]) -> str:
    edits = sorted((edit for item in planned for edit in item.edits), reverse=True)
    for edit in edits:
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def _apply_to_data(documents: dict[int, Any], index: int, edit: FieldEdit) -> bool:
    if index not in documents:
        return False
    if edit.action == "add":
        mapping = get_in(documents[index], edit.path)
        if not isinstance(mapping, dict) or edit.key in mapping:
            return False
        mapping[edit.key] = edit.new
        return True
    parent = get_in(documents[index], edit.path[:-1])
    key = edit.path[-1]
    if not isinstance(parent, dict) or key not in parent:
        return False
    if edit.action == "remove":
        del parent[key]
    else:
        parent[key] = edit.new
    return True


def _same(one: Any, other: Any) -> bool:
    """Equal, and of the same types all the way down (True == 1 in Python, not in YAML)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, dict):
        return one.keys() == other.keys() and all(_same(one[key], other[key]) for key in one)
    if isinstance(one, list):
        return len(one) == len(other) and all(_same(a, b) for a, b in zip(one, other, strict=True))
    return bool(one == other)


def _problems(loaded: LoadedFile) -> list[str]:
    return sorted(problem.code for problem in loaded.problems)
