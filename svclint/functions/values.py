"""Checks on single values: numeric ranges, enumerations, Kubernetes formats, patterns and CIDR breadth."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.engine.api import (
    MISSING,
    CheckContext,
    CheckFunction,
    Target,
    Violation,
    prepared_option,
    register,
    same_value,
)
from svclint.k8s.validation import FORMATS, parse_network


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_unset(value: Any) -> bool:
    """What Go decodes into a zero value, which defaulting then fills in: absent, null or ''."""
    return value is MISSING or value is None or value == ""


@register
class InRange(CheckFunction):
    name = "inRange"
    description = (
        "The value, when it is an integer, lies between `min` and `max` inclusive. Values listed in `ignore` "
        "(such as 0 for 'unset') pass; `whenMissing` checks an absent field as that value (an absent int32 is "
        "0); `within` limits the check to values inside another window. Non-integers are left to the type rules."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "min": {"type": "integer"},
            "max": {"type": "integer"},
            "ignore": {"type": "array", "items": {"type": "integer"}},
            "whenMissing": {"type": "integer"},
            "within": {
                "type": "object",
                "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}},
                "additionalProperties": False,
            },
        },
        "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
        "additionalProperties": False,
    }
    provides = frozenset({"min", "max"})
    accepts_missing = True

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if value is MISSING or value is None:
            if "whenMissing" not in options:
                return
            value = options["whenMissing"]
        if not is_integer(value) or value in options.get("ignore", ()):
            return
        window = options.get("within", {})
        if ("min" in window and value < window["min"]) or ("max" in window and value > window["max"]):
            return
        low, high = options.get("min"), options.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            yield Violation(variables={"min": low, "max": high, "value": value})


@register
class Enum(CheckFunction):
    name = "enum"
    description = (
        "The value is one of `values` (case-sensitive, as the API server compares). An absent or null value "
        "passes; so does '' when `allowEmpty` is true (Go's zero value, which defaulting fills in). With "
        "`default`, an absent or empty value is checked as that value."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "values": {"type": "array", "minItems": 1},
            "allowEmpty": {"type": "boolean"},
            "default": {},
        },
        "required": ["values"],
        "additionalProperties": False,
    }
    provides = frozenset({"allowed", "hint"})
    accepts_missing = True

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = _value_to_check(target.value, options)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return  # unset, or a wrong type: the type rule's finding
        allowed = options["values"]
        if any(same_value(value, item) for item in allowed):
            return
        yield Violation(
            variables={
                "allowed": ", ".join(str(item) for item in allowed),
                "hint": _case_hint(value, allowed),
                "value": value,
            }
        )


def _value_to_check(value: Any, options: Any) -> Any:
    """The value itself; for an unset one the `default`, '' unless `allowEmpty`, else None (nothing to check)."""
    if not is_unset(value):
        return value
    if "default" in options:
        return options["default"]
    if value == "" and not options.get("allowEmpty", False):
        return value
    return None


def _case_hint(value: str | int | float, allowed: list[Any]) -> str:
    if isinstance(value, str):
        folded = [item for item in allowed if isinstance(item, str) and item.lower() == value.lower()]
        if folded:
            return f' (did you mean "{folded[0]}"? values are case-sensitive)'
    return ""


@register
class Format(CheckFunction):
    name = "format"
    description = (
        "The string value has a Kubernetes format: `dns1123-label`, `dns1035-label`, `dns1123-subdomain`, "
        "`qualified-name`, `label-value`, `iana-svc-name` (port names), `ip`, `ipv4`, `cidr`, or "
        "`non-special-ip` (not loopback, link-local, multicast or unspecified). `split` checks each part of a "
        "separated list, `trim` ignores surrounding blanks, `trimSuffix` drops one trailing string first "
        "(the dot of a fully qualified name), `allow` lists values that pass as they are. Empty values pass "
        "unless `allowEmpty` is false; values matching `skipMatching` are another rule's business."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "format": {"enum": sorted(FORMATS)},
            "split": {"type": "string", "minLength": 1},
            "trim": {"type": "boolean"},
            "trimSuffix": {"type": "string", "minLength": 1},
            "allow": {"type": "array", "items": {"type": "string"}},
            "allowEmpty": {"type": "boolean"},
            "skipMatching": {"type": "string", "maxLength": 500},
        },
        "required": ["format"],
        "additionalProperties": False,
    }
    provides = frozenset({"reason", "item"})

    def prepare(self, options: dict[str, Any]) -> Any:
        from svclint.engine.api import compile_safe

        skip = prepared_option(options, "skipMatching", compile_safe) if "skipMatching" in options else None
        return {**options, "check": FORMATS[options["format"]], "skip": skip}

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if not isinstance(value, str) or value in options.get("allow", ()):
            return
        if options["skip"] is not None and options["skip"].search(value):
            return
        parts = value.split(options["split"]) if "split" in options else [value]
        for part in parts:
            item = part.strip() if options.get("trim") else part
            suffix = options.get("trimSuffix")
            if suffix and item.endswith(suffix):
                item = item[: -len(suffix)]
            if not item and options.get("allowEmpty", True):
                continue
            errors = options["check"](item) if item else ["must not be empty"]
            if errors:
                yield Violation(variables={"reason": "; ".join(errors), "item": item}, identity=item)


@register
class Pattern(CheckFunction):
    name = "pattern"
    description = "The string value matches the regular expression `match` (RE2 syntax), or does not match `notMatch`."
    options_schema = {
        "type": "object",
        "properties": {
            "match": {"type": "string", "maxLength": 500},
            "notMatch": {"type": "string", "maxLength": 500},
        },
        "oneOf": [{"required": ["match"]}, {"required": ["notMatch"]}],
        "additionalProperties": False,
    }
    provides = frozenset({"pattern"})

    def prepare(self, options: dict[str, Any]) -> Any:
        from svclint.engine.api import compile_safe

        if "match" in options:
            return (prepared_option(options, "match", compile_safe), True, options["match"])
        return (prepared_option(options, "notMatch", compile_safe), False, options["notMatch"])

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        pattern, must_match, text = options
        value = target.value
        if isinstance(value, str) and pattern.search(value) != must_match:
            yield Violation(variables={"pattern": text})


@register
class CidrPrefix(CheckFunction):
    name = "cidrPrefix"
    description = (
        "Each CIDR (of a comma-separated list with `split`) has a prefix at least `minV4` (IPv4) or `minV6` "
        "(IPv6) bits long: `0.0.0.0/0` and `::/0` admit every address. Invalid CIDRs are left to `format`."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "minV4": {"type": "integer", "minimum": 0, "maximum": 32},
            "minV6": {"type": "integer", "minimum": 0, "maximum": 128},
            "split": {"type": "string", "minLength": 1},
        },
        "required": ["minV4", "minV6"],
        "additionalProperties": False,
    }
    provides = frozenset({"item", "prefix"})

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if not isinstance(value, str):
            return
        for part in value.split(options["split"]) if "split" in options else [value]:
            network = parse_network(part)
            if network is None:
                continue
            least = options["minV4"] if network.version == 4 else options["minV6"]
            if network.prefixlen < least:
                yield Violation(variables={"item": part.strip(), "prefix": network.prefixlen}, identity=part.strip())
