"""Checks on single values: numeric ranges, enumerations, patterns and Kubernetes name formats."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.functions.base import CheckContext, CheckFunction, Target, Violation, register


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@register
class InRange(CheckFunction):
    name = "inRange"
    description = (
        "The value, when it is an integer, lies between `min` and `max` inclusive. Values listed in `ignore` "
        "(such as 0 for 'unset') pass. Non-integers are left to the type rules."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "min": {"type": "integer"},
            "max": {"type": "integer"},
            "ignore": {"type": "array", "items": {"type": "integer"}},
        },
        "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
        "additionalProperties": False,
    }
    provides = frozenset({"min", "max"})

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if not is_integer(value) or value in options.get("ignore", ()):
            return
        low, high = options.get("min"), options.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            yield Violation(variables={"min": low, "max": high})
