"""JSON patches (RFC 6902) as kustomize applies them: add, remove, replace, move, copy and test, on paths
written as JSON pointers (RFC 6901). A value a patch adds is located at its operation's `value`."""

from __future__ import annotations

from typing import Any

from svclint.core.model import FieldPath
from svclint.kustomize.objects import BuiltObject, copy_value
from svclint.kustomize.provenance import Origin
from svclint.kustomize.strategic import at


def apply_json_patch(built: BuiltObject, operations: list[Any], origin: Origin) -> None:
    """Apply each operation that applies. One that does not (a path that is not there, a failed test) is left
    out rather than reported: the run keeps of most objects only the fields its checks read, so a path a patch
    names may well be there in the file and only missing here. `kustomize build` reports real failures."""
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            continue
        try:
            _apply(built, operation, at(origin, (index,)), at(origin, (index, "value")))
        except (KeyError, IndexError, ValueError, TypeError):
            continue


def _apply(built: BuiltObject, operation: dict[str, Any], where: Origin, value_origin: Origin) -> None:
    op = operation.get("op")
    path = _pointer(operation.get("path"))
    if op == "test":
        if _get(built.data, path) != operation.get("value"):
            raise ValueError("the value differs")
    elif op == "remove":
        _remove(built, path)
    elif op in ("add", "replace"):
        if "value" not in operation:
            raise ValueError("no value")
        if op == "replace":
            _get(built.data, path)  # must exist
        _add(built, path, copy_value(operation["value"]), value_origin, op == "replace")
    elif op in ("move", "copy"):
        source = _pointer(operation.get("from"))
        value = copy_value(_get(built.data, source))
        document, source_path = built.origins.locate(_concrete(built.data, source))
        if op == "move":
            _remove(built, source)
        _add(built, path, value, Origin(document, source_path), False)
    else:
        raise ValueError(f"unknown operation {op!r}")


def _pointer(text: Any) -> list[str]:
    if not isinstance(text, str) or (text and not text.startswith("/")):
        raise ValueError(f"not a JSON pointer: {text!r}")
    return [part.replace("~1", "/").replace("~0", "~") for part in text.split("/")[1:]] if text else []


def _step(node: Any, token: str) -> Any:
    if isinstance(node, list):
        return node[_index(node, token)]
    if isinstance(node, dict):
        return node[token]
    raise KeyError(token)


def _index(items: list[Any], token: str, end: bool = False) -> int:
    if end and token == "-":
        return len(items)
    if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
        raise ValueError(f"not a list index: {token!r}")
    number = int(token)
    if number > len(items) or (number == len(items) and not end):
        raise IndexError(f"index {number} is past the end")
    return number


def _get(data: Any, tokens: list[str]) -> Any:
    node = data
    for token in tokens:
        node = _step(node, token)
    return node


def _concrete(data: Any, tokens: list[str]) -> FieldPath:
    """The field path of a pointer into `data` (list indexes as numbers)."""
    path: list[str | int] = []
    node = data
    for token in tokens:
        key: str | int = _index(node, token) if isinstance(node, list) else token
        path.append(key)
        node = _step(node, token)
    return tuple(path)


def _add(built: BuiltObject, tokens: list[str], value: Any, origin: Origin, replace: bool) -> None:
    if not tokens:
        raise ValueError("the whole object cannot be replaced")
    parent_path = _concrete(built.data, tokens[:-1])
    parent = _get(built.data, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, list):
        position = _index(parent, last, end=not replace)
        if replace:
            parent[position] = value
        else:
            built.origins.move_items(parent_path, {i: i + (i >= position) for i in range(len(parent))})
            parent.insert(position, value)
        built.origins.record((*parent_path, position), origin)
    elif isinstance(parent, dict):
        parent[last] = value
        built.origins.record((*parent_path, last), origin)
    else:
        raise ValueError("the parent is not a mapping or a list")


def _remove(built: BuiltObject, tokens: list[str]) -> None:
    if not tokens:
        raise ValueError("the whole object cannot be removed")
    parent_path = _concrete(built.data, tokens[:-1])
    parent = _get(built.data, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, list):
        position = _index(parent, last)
        built.origins.move_items(parent_path, {i: i - (i > position) for i in range(len(parent)) if i != position})
        del parent[position]
    elif isinstance(parent, dict):
        del parent[last]
        built.origins.forget_below((*parent_path, last))
    else:
        raise KeyError(last)
