"""The kinds of value a check function may be given as its target, and the one place that tells a value's kind:
each function declares the kinds it accepts and the engine calls it only for those."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

ValueKind = Literal["string", "integer", "float", "boolean", "null", "mapping", "list", "missing", "other"]


class _Missing:
    """The value of a field that is not in the document (distinct from an explicit null)."""

    _instance: ClassVar[_Missing | None] = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# Every value that is in the document; "other" is a value of no JSON kind (a YAML timestamp, say).
PRESENT: frozenset[ValueKind] = frozenset({"string", "integer", "float", "boolean", "null", "mapping", "list", "other"})
ANY_VALUE: frozenset[ValueKind] = PRESENT | {"missing"}

_KIND_OF_TYPE: dict[type, ValueKind] = {
    str: "string",
    int: "integer",
    float: "float",
    bool: "boolean",
    type(None): "null",
    dict: "mapping",
    list: "list",
    _Missing: "missing",
}


def kind_of(value: Any) -> ValueKind:
    """The kind of a target value. By exact type first: nearly every value is a plain str, int, dict or list."""
    kind = _KIND_OF_TYPE.get(type(value))
    return kind if kind is not None else _kind_of_subclass(value)


def _kind_of_subclass(value: Any) -> ValueKind:
    # bool before int: a bool is an int to isinstance, never to a rule.
    for base in (bool, str, int, float, dict, list):
        if isinstance(value, base):
            return _KIND_OF_TYPE[base]
    return "other"
