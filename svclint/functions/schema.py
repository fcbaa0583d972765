"""Decoding checks against the Kubernetes OpenAPI schema of an object: wrong types and unknown fields.

The schema (svclint/schemas/kubernetes/) uses a small set of keywords. A quick walk that understands exactly
those keywords decides whether an object is valid; only when it is not does jsonschema run, to produce the
authoritative errors that become findings. Most objects are valid, so most runs never import jsonschema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, ClassVar, Literal, TypedDict

from svclint.core.model import FieldPath, format_field_path
from svclint.core.project import PACKAGE_DIR
from svclint.core.similarity import edit_distance
from svclint.engine.api import CheckContext, CheckFunction, Target, Violation, register

SCHEMAS = {"service-v1": "service-v1.json"}
_KEYWORDS = frozenset(
    {"$schema", "$id", "x-source", "$defs", "$ref", "type", "properties", "additionalProperties", "items", "oneOf",
     "enum", "minimum", "maximum"}
)  # fmt: skip
_INT32 = (-(2**31), 2**31 - 1)


@cache
def load_schema(name: str) -> dict[str, Any]:
    text = (PACKAGE_DIR / "schemas" / "kubernetes" / SCHEMAS[name]).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    unknown = _keywords(schema) - _KEYWORDS
    if unknown:  # the quick walk below must understand every keyword, or it could miss an error
        raise ValueError(f"schema {name} uses keywords svclint's quick check does not know: {sorted(unknown)}")
    return schema


def _keywords(node: Any, in_properties: bool = False) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not in_properties:
                found.add(key)
            found |= _keywords(value, in_properties=key in ("properties", "$defs") and not in_properties)
    elif isinstance(node, list):
        for item in node:
            found |= _keywords(item)
    return found


def quick_valid(schema: dict[str, Any], node: dict[str, Any], value: Any) -> bool:
    """Whether `value` satisfies `node`, for the keywords in _KEYWORDS (JSON Schema semantics), one keyword
    family at a time."""
    defs = schema["$defs"]
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return (
        _type_and_enum_valid(node, value)
        and ("oneOf" not in node or sum(1 for branch in node["oneOf"] if quick_valid(schema, branch, value)) == 1)
        and _bounds_valid(node, value)
        and _properties_valid(schema, node, value)
        and _items_valid(schema, node, value)
    )


def _type_and_enum_valid(node: dict[str, Any], value: Any) -> bool:
    types = node.get("type")
    if types is not None and not any(_is_type(value, t) for t in ([types] if isinstance(types, str) else types)):
        return False
    return "enum" not in node or any(_json_equal(value, item) for item in node["enum"])


def _bounds_valid(node: dict[str, Any], value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return True
    return not ("minimum" in node and value < node["minimum"]) and not ("maximum" in node and value > node["maximum"])


def _properties_valid(schema: dict[str, Any], node: dict[str, Any], value: Any) -> bool:
    if not isinstance(value, dict):
        return True
    properties = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            if not quick_valid(schema, properties[key], item):
                return False
        elif extra is False or (isinstance(extra, dict) and not quick_valid(schema, extra, item)):
            return False
    return True


def _items_valid(schema: dict[str, Any], node: dict[str, Any], value: Any) -> bool:
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return all(quick_valid(schema, node["items"], item) for item in value)
    return True


def _is_type(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    return False


def _json_equal(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


class KubernetesSchemaOptions(TypedDict):
    schema: str


class _KubernetesSchemaCheck(CheckFunction[KubernetesSchemaOptions, KubernetesSchemaOptions]):
    """The object decoded against the Kubernetes OpenAPI schema `schema`; `report` is the kind of error a rule
    reports (the prefix of the violation's identity)."""

    report: ClassVar[Literal["type", "unknownField"]]
    options_schema = {
        "type": "object",
        "properties": {"schema": {"enum": sorted(SCHEMAS)}},
        "required": ["schema"],
        "additionalProperties": False,
    }
    provides = frozenset({"reason", "item", "hint", "integer"})

    def check(self, target: Target, options: KubernetesSchemaOptions, context: CheckContext) -> Iterable[Violation]:
        schema = load_schema(options["schema"])
        value = target.value
        if quick_valid(schema, schema, value):
            return
        for violation in _schema_violations(schema, value, target.path):
            if violation.identity.startswith(self.report + ":"):
                yield violation


_DECODES = (
    "Decodes the object against the Kubernetes OpenAPI schema `schema` (`service-v1`), as kubectl's strict "
    "decoding does, and reports "
)


@register
class KubernetesFieldTypes(_KubernetesSchemaCheck):
    name = "kubernetesFieldTypes"
    description = _DECODES + (
        "values of the wrong type (a quoted number in an int32 field, a fraction, a boolean, an integer too large "
        "for int32, a string where a list belongs)."
    )
    report = "type"


@register
class KubernetesKnownFields(_KubernetesSchemaCheck):
    name = "kubernetesKnownFields"
    description = _DECODES + "fields the type does not have (a misspelt `targetport`)."
    report = "unknownField"


def _schema_violations(schema: dict[str, Any], value: Any, base: FieldPath) -> Iterator[Violation]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    seen: set[tuple[Any, ...]] = set()
    for error in sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path]):
        path: FieldPath = (*base, *error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = _resolve(schema, error.schema).get("properties", {})
            for key in error.instance:
                if key in allowed or (path, key) in seen:
                    continue
                seen.add((path, key))
                hint = _suggest(key, allowed)
                where = format_field_path(path) or "the object"
                yield Violation(
                    path=(*path, key),
                    at_key=True,
                    variables={
                        "item": key,
                        "hint": hint,
                        "reason": f'unknown field "{key}" in {where}{hint}',
                    },
                    identity=f"unknownField:{key}",
                )
        elif error.validator in ("type", "minimum", "maximum", "oneOf", "enum"):
            if path in seen:
                continue
            seen.add(path)
            variables = {"item": format_field_path(path), "reason": _type_reason(error), "hint": ""}
            yield Violation(path=path, variables=variables | _as_integer(error), identity=f"type:{error.validator}")


_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _suggest(key: str, allowed: Iterable[str]) -> str:
    candidates = list(allowed)
    for name in candidates:
        if name.lower() == key.lower():
            return f' (did you mean "{name}"? field names are case-sensitive)'
    close = sorted((edit_distance(key, name), name) for name in candidates)
    if close and close[0][0] <= max(1, len(key) // 4):
        return f' (did you mean "{close[0][1]}"?)'
    return ""


def _type_reason(error: Any) -> str:
    value = error.instance
    if error.validator in ("minimum", "maximum"):
        if error.schema.get("minimum") == _INT32[0] or error.schema.get("maximum") == _INT32[1]:
            return f"{value} does not fit in an int32 ({_INT32[0]} to {_INT32[1]}): kubectl cannot decode it"
        return f"{value} is out of the range this field can hold"
    expected = _expected(error)
    found = _describe(value)
    hint = ""
    if isinstance(value, str) and "integer" in expected:
        stripped = value.strip()
        if stripped.lstrip("+-").isdigit():
            hint = f"; write {stripped} without quotes"
        elif "${" in value or "$(" in value or "{{" in value:
            hint = "; it looks like a placeholder that was never substituted (envsubst, a template)"
    elif isinstance(value, bool) and "string" in expected:
        hint = '; YAML reads unquoted yes/no/on/off/true/false as booleans: quote it ("true")'
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and "string" in expected:
        hint = f'; quote it ("{value}")'
    return f"{found}, but this field must be {expected}: kubectl cannot decode it{hint}"


def _as_integer(error: Any) -> dict[str, int]:
    """`{"integer": N}` for a quoted whole number where an integer belongs: the value a fix can write."""
    value = error.instance
    if error.validator != "type" or not isinstance(value, str) or "integer" not in _expected(error):
        return {}
    digits = value.strip()
    if not _WHOLE_NUMBER.fullmatch(digits) or int(digits) > _INT32[1]:
        return {}
    return {"integer": int(digits)}


def _expected(error: Any) -> str:
    types = error.schema.get("type") if error.validator == "type" else None
    if error.validator == "enum":
        return "one of " + ", ".join(json.dumps(v) for v in error.validator_value)
    if types is None:
        return "an integer or a string"
    names = [t for t in ([types] if isinstance(types, str) else types) if t != "null"]
    words = {
        "integer": "an integer",
        "string": "a string",
        "object": "a mapping",
        "array": "a list",
        "boolean": "a boolean (true or false)",
        "number": "a number",
    }
    return " or ".join(words.get(n, n) for n in names) or "null"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} is a boolean"
    if isinstance(value, str):
        return f'"{value}" is a string'
    if isinstance(value, float):
        return f"{value} is a fraction" if not value.is_integer() else f"{value} is a number"
    if isinstance(value, int):
        return f"{value} is an integer"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
