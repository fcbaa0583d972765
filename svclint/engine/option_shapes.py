"""A check function's declared options (the TypedDict it is typed with) against the JSON Schema that validates
them: the same property names, the same required keys, the same value types, down through nested TypedDicts
and lists. A disagreement means the function's code reads options its schema does not promise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

if TYPE_CHECKING:
    from svclint.engine.api import CheckFunction

_JSON_TYPE_OF_PYTHON: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    NoneType: "null",
    list: "array",
    tuple: "array",
    Sequence: "array",
    dict: "object",
    Mapping: "object",
}


def declared_types(cls: type[CheckFunction[Any, Any]]) -> tuple[Any, Any]:
    """The (options, prepared) type arguments that `cls` or one of its bases gives CheckFunction."""
    from svclint.engine.api import CheckFunction

    return _type_arguments(cls, CheckFunction, {})


def _type_arguments(cls: type, generic: type, bindings: dict[Any, Any]) -> tuple[Any, Any]:
    for base in cls.__dict__.get("__orig_bases__", cls.__bases__):
        origin = get_origin(base) or base
        arguments = tuple(bindings.get(argument, argument) for argument in get_args(base))
        if origin is generic:
            return arguments[0], arguments[1]
        if isinstance(origin, type) and issubclass(origin, generic):
            parameters = origin.__dict__.get("__parameters__", ())
            return _type_arguments(origin, generic, dict(zip(parameters, arguments, strict=False)))
    raise TypeError(f"{cls.__name__} does not say what options it takes (CheckFunction[Options, Prepared])")


_FOUND: dict[type, list[str]] = {}


def function_shape_errors(cls: type[CheckFunction[Any, Any]]) -> list[str]:
    """What is wrong with the options `cls` declares, against its options_schema (worked out once per class)."""
    found = _FOUND.get(cls)
    if found is None:
        found = _FOUND[cls] = _function_shape_errors(cls)
    return found


def _function_shape_errors(cls: type[CheckFunction[Any, Any]]) -> list[str]:
    options, prepared = declared_types(cls)
    from svclint.engine.api import CheckFunction

    errors = shape_errors(options, cls.options_schema)
    if prepared is not options and cls.prepare is CheckFunction.prepare:
        errors.append("it declares a prepared form of its options but does not prepare them")
    return errors


def shape_errors(declared: Any, schema: Mapping[str, Any], where: str = "options") -> list[str]:
    """Each disagreement between a declared type and a JSON Schema node, named by where it is."""
    if is_typeddict(declared):
        return _typeddict_errors(declared, schema, where)
    errors = _type_errors(declared, schema, where)
    origin, arguments = get_origin(declared), get_args(declared)
    items = schema.get("items")
    if origin in (list, tuple, Sequence) and arguments and isinstance(items, Mapping):
        errors += shape_errors(arguments[0], items, f"{where}[]")
    extra = schema.get("additionalProperties")
    if origin in (dict, Mapping) and len(arguments) == 2 and isinstance(extra, Mapping):
        errors += shape_errors(arguments[1], extra, f"{where}.*")
    return errors


def _typeddict_errors(declared: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    errors = _type_errors(dict, schema, where)
    properties: Mapping[str, Any] = schema.get("properties", {})
    hints = get_type_hints(declared)
    for name in sorted(set(hints) - set(properties)):
        errors.append(f"{where}: declares {name}, which the schema does not allow")
    for name in sorted(set(properties) - set(hints)):
        errors.append(f"{where}: the schema allows {name}, which is not declared")
    required = set(schema.get("required", ()))
    if required != set(declared.__required_keys__):
        errors.append(
            f"{where}: the schema requires {sorted(required)}, the declaration {sorted(declared.__required_keys__)}"
        )
    if schema.get("additionalProperties", True) is not False:
        errors.append(f"{where}: a declared shape needs a schema without additional properties")
    for name in sorted(set(hints) & set(properties)):
        errors += shape_errors(hints[name], properties[name], f"{where}.{name}")
    return errors


def _type_errors(declared: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    expected = _schema_types(schema)
    written = _declared_types(declared)
    if expected != written:
        return [f"{where}: the schema admits {_show(expected)}, the declaration {_show(written)}"]
    literal = _literal_values(declared)
    if literal is not None and "enum" in schema and literal != {_frozen(value) for value in schema["enum"]}:
        return [f"{where}: the schema's enum is {schema['enum']}, the declaration's Literal {sorted(literal, key=str)}"]
    return []


def _schema_types(schema: Mapping[str, Any]) -> frozenset[str] | None:
    """The JSON types a schema node admits; None for any."""
    if "type" in schema:
        types = schema["type"]
        found = frozenset([types] if isinstance(types, str) else types)
        return found | {"integer"} if "number" in found else found
    if "enum" in schema or "const" in schema:
        values = schema["enum"] if "enum" in schema else [schema["const"]]
        return frozenset(_json_type(value) for value in values)
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        found_in = [_schema_types(branch) for branch in branches]
        return None if any(types is None for types in found_in) else frozenset().union(*found_in)  # type: ignore[arg-type]
    return None


def _declared_types(declared: Any) -> frozenset[str] | None:
    """The JSON types a Python type admits; None for Any."""
    if declared is Any or declared is object:
        return None
    origin = get_origin(declared)
    if origin is Literal:
        return frozenset(_json_type(value) for value in get_args(declared))
    if origin in (Union, UnionType):
        found_in = [_declared_types(argument) for argument in get_args(declared)]
        return None if any(types is None for types in found_in) else frozenset().union(*found_in)  # type: ignore[arg-type]
    if is_typeddict(declared):
        return frozenset({"object"})
    json_type = _JSON_TYPE_OF_PYTHON.get(origin or declared)
    if json_type is None:
        raise TypeError(f"no JSON type for {declared!r}")
    # A float option takes an integer too, as JSON Schema's "number" does.
    return frozenset({"number", "integer"}) if json_type == "number" else frozenset({json_type})


def _literal_values(declared: Any) -> set[Any] | None:
    if get_origin(declared) is not Literal:
        return None
    return {_frozen(value) for value in get_args(declared)}


def _frozen(value: Any) -> Any:
    return (type(value), value)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return _JSON_TYPE_OF_PYTHON.get(type(value), "object")


def _show(types: frozenset[str] | None) -> str:
    return "any value" if types is None else " or ".join(sorted(types))
