"""The patches of one kustomization (`patchesStrategicMerge`, `patches`, `patchesJson6902`), read and applied to
the objects of its build."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Document
from svclint.kustomize.jsonpatch import apply_json_patch
from svclint.kustomize.objects import BuiltObject
from svclint.kustomize.provenance import Origin
from svclint.kustomize.strategic import apply_strategic
from svclint.kustomize.targets import identity_selects, target_selects
from svclint.kustomize.tree import Kustomization, read_text_documents

_BUILTIN_GROUPS = frozenset({"", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io"})


class Patch(Struct, frozen=True):
    """One patch document: its data, where it is written, the entry of the kustomization that names it, and the
    target that entry gives (None: the patch names its object itself)."""

    data: Any
    origin: Origin
    entry: FieldPath
    target: dict[str, Any] | None
    json: bool  # a list of RFC 6902 operations


Reader = Callable[[Kustomization, FieldPath, str], list[Document] | None]


def patches_of(kustomization: Kustomization, read: Reader) -> Iterator[Patch]:
    """In kustomize's order: patchesStrategicMerge, then patches; patchesJson6902 come later (see json_patches).
    `read` gives the documents of a patch file, or None when it is not followed (reported by the reader)."""
    data = kustomization.data
    items = data.get("patchesStrategicMerge")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, str):
            inline = "\n" in item.strip() or item.lstrip().startswith(("{", "["))
            yield from _documents(kustomization, ("patchesStrategicMerge", index), item, None, read, inline)
    yield from _entries(kustomization, "patches", read)


def json_patches(kustomization: Kustomization, read: Reader) -> Iterator[Patch]:
    yield from _entries(kustomization, "patchesJson6902", read)


def _entries(kustomization: Kustomization, key: str, read: Reader) -> Iterator[Patch]:
    items = kustomization.data.get(key)
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if not isinstance(item, dict):
            continue
        target = item.get("target") if isinstance(item.get("target"), dict) else None
        if isinstance(item.get("path"), str):
            yield from _documents(kustomization, (key, index, "path"), item["path"], target, read, inline=False)
        elif isinstance(item.get("patch"), str):
            yield from _documents(kustomization, (key, index, "patch"), item["patch"], target, read, inline=True)


def _documents(
    kustomization: Kustomization,
    entry: FieldPath,
    text: str,
    target: dict[str, Any] | None,
    read: Reader,
    inline: bool,
) -> Iterator[Patch]:
    if inline:
        for document in read_text_documents(kustomization.display, text):
            yield _patch(document.data, kustomization.origin(entry), entry, target)
        return
    documents = read(kustomization, entry, text)
    for document in documents or ():
        yield _patch(document.data, Origin(document, ()), entry, target)


def _patch(data: Any, origin: Origin, entry: FieldPath, target: dict[str, Any] | None) -> Patch:
    return Patch(data, origin, entry, target, isinstance(data, list))


def apply_patch(objects: list[BuiltObject], patch: Patch) -> list[BuiltObject]:
    """The objects after the patch. A patch that selects nothing changes nothing: the objects it names may be of
    kinds the run does not keep (ConfigMaps, RBAC), so that is not reported (`kustomize build` would fail)."""
    if patch.target is not None:
        chosen = [built for built in objects if target_selects(patch.target, built)]
    elif isinstance(patch.data, dict):
        chosen = [built for built in objects if identity_selects(patch.data, built)]
    else:
        return objects  # a JSON patch without a target: kustomize refuses it
    deleted: set[int] = set()
    for built in chosen:
        if patch.json:
            apply_json_patch(built, patch.data, patch.origin)
        elif isinstance(patch.data, dict):
            custom = built.group not in _BUILTIN_GROUPS and not built.group.endswith(".k8s.io")
            if not apply_strategic(built, patch.data, patch.origin, custom):
                deleted.add(id(built))
    return [built for built in objects if id(built) not in deleted]
