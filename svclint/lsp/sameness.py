"""Whether a file read again gives the inventory what it gave before: the same objects, with the same values
(of the same types: `1` and `true` differ) and the same spans, and the same kustomizations.

Most edits of a manifest change a field the inventory does not keep (a workload's resources, probes, volumes, a
ConfigMap, a comment): the index of the workspace, and the cross-resource findings of the objects checked
against it, then stay as they are.
"""

from __future__ import annotations

from typing import Any

from svclint.input.document import Resource
from svclint.run.filework import FileResult


def same_for_inventory(before: FileResult, after: FileResult) -> bool:
    if before.path != after.path or len(before.kept) != len(after.kept):
        return False
    if not _same_value(before.kustomizations, after.kustomizations):
        return False
    return all(old is new or _same_object(old, new) for old, new in zip(before.kept, after.kept, strict=True))


def _same_object(old: Resource, new: Resource) -> bool:
    facts = ("prefix", "reported", "partial", "synthetic_kind", "synthetic_name")
    if any(getattr(old, fact) != getattr(new, fact) for fact in facts):
        return False
    before, after = old.document, new.document
    return (
        before.path == after.path
        and before.index == after.index
        and _same_value(before.data, after.data)
        and before.spans == after.spans
    )


def _same_value(old: Any, new: Any) -> bool:
    """Equal, and of the same type all the way down (Python holds `1 == True` and `1 == 1.0`)."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict):
        return old.keys() == new.keys() and all(_same_value(value, new[key]) for key, value in old.items())
    if isinstance(old, list):
        return len(old) == len(new) and all(_same_value(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new)
