"""`match.when`: conditions on a resource, as data (no expressions, no eval).

A condition reads one value with a selector (`path`, with an optional `default` for an absent field, such as
`spec.type` defaulting to ClusterIP) and tests it with exactly one operator. `anyOf`, `allOf` and `not`
combine conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from msgspec import Struct

from svclint.engine.selectors import Selector, compile_selector

Test = Callable[[Any], bool]


class Condition(Struct, frozen=True):
    selector: Selector | None
    default: Any
    has_default: bool
    test: Test | None = None
    children: tuple[Condition, ...] = ()
    combine: str = ""  # "", "anyOf", "allOf" or "not"

    def holds(self, data: Any, partial: bool = False) -> bool:
        """True only when the condition certainly holds (see `evaluate`)."""
        return self.evaluate(data, partial) is True

    def evaluate(self, data: Any, partial: bool = False) -> bool | None:
        """True, False, or None (unknown): for a partial object (a patch) an absent field proves nothing."""
        if self.combine:
            return self._combined(data, partial)
        assert self.selector is not None and self.test is not None
        value = self.selector.first(data)
        if value is None and partial:
            return None
        if (value is None or value == "") and self.has_default:
            value = self.default  # Go's zero value: defaulting fills it in
        return self.test(value)

    def _combined(self, data: Any, partial: bool) -> bool | None:
        """anyOf, allOf and not, in three-valued logic: an unknown child leaves the result unknown unless another
        child decides it."""
        if self.combine == "not":
            result = self.children[0].evaluate(data, partial)
            return None if result is None else not result
        results = [child.evaluate(data, partial) for child in self.children]
        deciding = self.combine == "anyOf"  # any True decides anyOf, any False decides allOf
        return deciding if deciding in results else (None if None in results else not deciding)


def compile_conditions(specs: Sequence[dict[str, Any]]) -> tuple[Condition, ...]:
    return tuple(compile_condition(spec) for spec in specs)


def compile_condition(spec: dict[str, Any]) -> Condition:
    for combine in ("anyOf", "allOf"):
        if combine in spec:
            return Condition(None, None, False, None, compile_conditions(spec[combine]), combine)
    if "not" in spec:
        return Condition(None, None, False, None, (compile_condition(spec["not"]),), "not")
    return Condition(
        compile_selector(spec["path"]),
        spec.get("default"),
        "default" in spec,
        _operator(spec),
    )


def _operator(spec: dict[str, Any]) -> Test:
    if "equals" in spec:
        wanted = spec["equals"]
        return lambda value: same_value(value, wanted)
    if "in" in spec:
        allowed = list(spec["in"])
        return lambda value: any(same_value(value, item) for item in allowed)
    if "notIn" in spec:
        refused = list(spec["notIn"])
        return lambda value: not any(same_value(value, item) for item in refused)
    if "exists" in spec:
        wanted_exists = bool(spec["exists"])
        return lambda value: (value is not None) is wanted_exists
    if "empty" in spec:
        wanted_empty = bool(spec["empty"])
        return lambda value: is_empty(value) is wanted_empty
    if "matches" in spec:
        # RE2 (a C++ library) loads with the first rule that matches a pattern: no built-in condition does.
        from svclint.engine.regexes import compile_safe

        pattern = compile_safe(spec["matches"])
        return lambda value: isinstance(value, str) and pattern.search(value)
    if "minItems" in spec:
        least = int(spec["minItems"])
        return lambda value: isinstance(value, (list, dict)) and len(value) >= least
    if "maxItems" in spec:
        most = int(spec["maxItems"])
        return lambda value: not isinstance(value, (list, dict)) or len(value) <= most
    if "type" in spec:
        wanted_type = spec["type"]
        return lambda value: json_type(value) == wanted_type
    raise ValueError(f"condition without an operator: {sorted(spec)}")  # the rule schema prevents this


def same_value(value: Any, wanted: Any) -> bool:
    """Equality that keeps YAML's types apart: the string "80" is not the number 80, and True is not 1."""
    return (type(value) is type(wanted) and value == wanted) or (
        isinstance(value, (int, float))
        and isinstance(wanted, (int, float))
        and not isinstance(value, bool)
        and not isinstance(wanted, bool)
        and value == wanted
    )


def is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, dict)) and not value)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
