"""Strategic merge patches (k8s.io/apimachinery strategicpatch, as kustomize applies them): mappings merge key by
key, `null` deletes, lists of the built-in types merge by their patch merge key (containers by `name`, a
Service's ports by `port`, a container's ports by `containerPort`, ...) and other lists are replaced. The
directives `$patch: replace|delete|merge`, `$retainKeys` and `$deleteFromPrimitiveList/<list>` are followed;
`$setElementOrder/<list>` only orders, and is ignored. Every value a patch writes is located in the patch.
"""

from __future__ import annotations

from typing import Any

from svclint.core.model import FieldPath
from svclint.input.partial import remove_patch_directives
from svclint.kustomize.objects import BuiltObject, copy_value
from svclint.kustomize.provenance import Origin

_CONTAINER_LISTS = frozenset({"containers", "initContainers", "ephemeralContainers"})
_BY_NAME = frozenset({"env", "volumes", "imagePullSecrets", "resourceClaims"})
_IDENTITY = ("apiVersion", "kind")


def at(origin: Origin, rest: FieldPath) -> Origin:
    """The origin of a value `rest` below the patch's root."""
    return origin if origin.whole else Origin(origin.document, (*origin.path, *rest))


def apply_strategic(built: BuiltObject, patch: dict[str, Any], origin: Origin, custom: bool) -> bool:
    """Merge the patch into the object; False when the patch deletes the object (`$patch: delete`)."""
    if patch.get("$patch") == "delete":
        return False
    body = {key: value for key, value in patch.items() if key not in _IDENTITY}
    metadata = body.get("metadata")
    if isinstance(metadata, dict):
        # The patch names its target; the target keeps its own name and namespace.
        body["metadata"] = {k: v for k, v in metadata.items() if k not in ("name", "namespace")}
    _merge_map(built, (), built.data, body, origin, (), custom)
    return True


def _merge_map(
    built: BuiltObject,
    path: FieldPath,
    base: dict[str, Any],
    patch: dict[str, Any],
    origin: Origin,
    patch_path: FieldPath,
    custom: bool,
) -> None:
    if patch.get("$patch") == "replace":
        if path:  # the whole object is never replaced: it keeps its identity
            built.set(path, _clean(patch), at(origin, patch_path))
        return
    for key, value in patch.items():
        if not isinstance(key, str):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            _delete_from_list(built, path, base, key.partition("/")[2], value)
        elif not key.startswith("$"):
            _merge_field(built, path, base, key, value, origin, (*patch_path, key), custom)
    _retain_keys(built, path, base, patch.get("$retainKeys"))


def _merge_field(
    built: BuiltObject,
    path: FieldPath,
    base: dict[str, Any],
    key: str,
    value: Any,
    origin: Origin,
    patch_here: FieldPath,
    custom: bool,
) -> None:
    """Merge the patch's value of one key into the mapping `base` (at `path`)."""
    here = (*path, key)
    current = base.get(key)
    if value is None or (isinstance(value, dict) and value.get("$patch") == "delete"):
        base.pop(key, None)
        built.origins.forget_below(here)
    elif isinstance(value, dict) and isinstance(current, dict) and value.get("$patch") != "replace":
        _merge_map(built, here, current, value, origin, patch_here, custom)
    elif isinstance(value, list) and isinstance(current, list):
        _merge_list(built, here, current, value, origin, patch_here, custom)
    else:
        built.set(here, _clean(value), at(origin, patch_here))


def _retain_keys(built: BuiltObject, path: FieldPath, base: dict[str, Any], retain: Any) -> None:
    """`$retainKeys`: the keys of the mapping not listed are dropped."""
    if not isinstance(retain, list):
        return
    for key in [k for k in base if k not in retain]:
        del base[key]
        built.origins.forget_below((*path, key))


def _delete_from_list(built: BuiltObject, path: FieldPath, base: dict[str, Any], key: str, values: Any) -> None:
    current = base.get(key)
    if not isinstance(current, list) or not isinstance(values, list):
        return
    kept = [i for i, item in enumerate(current) if item not in values]
    built.origins.move_items((*path, key), {old: new for new, old in enumerate(kept)})
    current[:] = [current[i] for i in kept]


def merge_key(path: FieldPath, custom: bool) -> str | None:
    """The patch merge key of the list at `path` of a built-in kind (None: the patch replaces the list)."""
    if custom or not path:
        return None
    last = path[-1]
    if last in _CONTAINER_LISTS:
        return "name"
    if last == "ports":
        if path == ("spec", "ports"):
            return "port"
        if len(path) >= 3 and path[-3] in _CONTAINER_LISTS:
            return "containerPort"
    if last in _BY_NAME:
        return "name"
    if last == "volumeMounts":
        return "mountPath"
    if last == "hostAliases":
        return "ip"
    return None


def _merge_list(
    built: BuiltObject,
    path: FieldPath,
    base: list[Any],
    patch: list[Any],
    origin: Origin,
    patch_path: FieldPath,
    custom: bool,
) -> None:
    key = merge_key(path, custom)
    if key is None or any(_is_replace(item) for item in patch):
        items = [item for item in patch if not _is_replace(item)]
        built.set(path, _clean(items), at(origin, patch_path))
        return
    matched, deleted = _match_items(base, patch, key)
    slots = _slots(matched, deleted, len(base))
    built.origins.move_items(path, {old: new for new, (old, _) in enumerate(slots) if old is not None})
    base[:] = [base[old] if old is not None else _clean(patch[index or 0]) for old, index in slots]
    for position, (base_index, patch_index) in enumerate(slots):
        if patch_index is None:
            continue
        item_origin = (*patch_path, patch_index)
        if base_index is None:
            built.origins.record((*path, position), at(origin, item_origin))
        else:
            _merge_map(built, (*path, position), base[position], patch[patch_index], origin, item_origin, custom)


def _is_replace(item: Any) -> bool:
    return isinstance(item, dict) and item.get("$patch") == "replace"


def _match_items(base: list[Any], patch: list[Any], key: str) -> tuple[dict[int, int | None], set[int]]:
    """Which base item each patch item merges into (patch index -> base index, None for a new item), and the
    base items that `$patch: delete` items remove. Each base item is taken at most once, first come first."""
    matched: dict[int, int | None] = {}
    deleted: set[int] = set()
    for index, item in enumerate(patch):
        if not isinstance(item, dict) or key not in item:
            continue
        taken = deleted | {old for old in matched.values() if old is not None}
        match = _first_untaken(base, key, item[key], taken)
        if item.get("$patch") != "delete":
            matched[index] = match
        elif match is not None:
            deleted.add(match)
    return matched, deleted


def _first_untaken(base: list[Any], key: str, wanted: Any, taken: set[int]) -> int | None:
    return next(
        (
            old
            for old in range(len(base))
            if old not in taken and isinstance(base[old], dict) and base[old].get(key) == wanted
        ),
        None,
    )


def _slots(matched: dict[int, int | None], deleted: set[int], base_length: int) -> list[tuple[int | None, int | None]]:
    """The merged list as (base index, patch index) pairs. kustomize writes the patch's items first, in the
    patch's order (merged into the item they match, or new), then the items of the base that the patch leaves
    alone, in their order."""
    merged = {old for old in matched.values() if old is not None}
    slots: list[tuple[int | None, int | None]] = [(old, index) for index, old in matched.items()]
    slots += [(old, None) for old in range(base_length) if old not in merged and old not in deleted]
    return slots


def _clean(value: Any) -> Any:
    copied = copy_value(value)
    remove_patch_directives(copied)
    return copied
