"""Checks on single values: numeric ranges, enumerations, Kubernetes formats, patterns and CIDR breadth."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from msgspec import Struct

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

if TYPE_CHECKING:
    from svclint.engine.api import LinearPattern


def is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_unset(value: Any) -> bool:
    """What Go decodes into a zero value, which defaulting then fills in: absent, null or ''."""
    return value is MISSING or value is None or value == ""


class Window(TypedDict, total=False):
    min: int
    max: int


class InRangeOptions(TypedDict, total=False):
    min: int
    max: int
    ignore: list[int]
    whenMissing: int
    within: Window


@register
class InRange(CheckFunction[InRangeOptions, InRangeOptions]):
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
    accepts = frozenset({"integer", "null", "missing"})  # other values are left to the type rules

    def check(self, target: Target, options: InRangeOptions, context: CheckContext) -> Iterable[Violation]:
        value: int = target.value
        if value is MISSING or value is None:
            if "whenMissing" not in options:
                return
            value = options["whenMissing"]
        if value in options.get("ignore", ()):
            return
        window = options.get("within", Window())
        if ("min" in window and value < window["min"]) or ("max" in window and value > window["max"]):
            return
        low, high = options.get("min"), options.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            yield Violation(variables={"min": low, "max": high, "value": value})


class _EnumValues(TypedDict):
    values: list[Any]


class EnumOptions(_EnumValues, total=False):
    allowEmpty: bool
    default: Any


@register
class Enum(CheckFunction[EnumOptions, EnumOptions]):
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
    accepts = frozenset({"string", "integer", "float", "null", "missing"})  # a wrong type is the type rule's

    def check(self, target: Target, options: EnumOptions, context: CheckContext) -> Iterable[Violation]:
        value = _value_to_check(target.value, options)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return  # unset, or a default of another type
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


def _value_to_check(value: Any, options: EnumOptions) -> Any:
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


class _FormatName(TypedDict):
    format: str


class FormatOptions(_FormatName, total=False):
    split: str
    trim: bool
    trimSuffix: str
    allow: list[str]
    allowEmpty: bool
    skipMatching: str


class PreparedFormat(Struct, frozen=True):
    check: Callable[[str], list[str]]  # the format's errors for a value (none: valid)
    skip: LinearPattern | None
    split: str | None
    trim: bool
    trim_suffix: str | None
    allow: frozenset[str]
    allow_empty: bool


@register
class Format(CheckFunction[FormatOptions, PreparedFormat]):
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
    accepts = frozenset({"string"})

    def prepare(self, options: FormatOptions) -> PreparedFormat:
        from svclint.engine.api import compile_safe

        skip = prepared_option(options, "skipMatching", compile_safe) if "skipMatching" in options else None
        return PreparedFormat(
            check=FORMATS[options["format"]],
            skip=skip,
            split=options.get("split"),
            trim=options.get("trim", False),
            trim_suffix=options.get("trimSuffix"),
            allow=frozenset(options.get("allow", ())),
            allow_empty=options.get("allowEmpty", True),
        )

    def check(self, target: Target, options: PreparedFormat, context: CheckContext) -> Iterable[Violation]:
        value: str = target.value
        if value in options.allow or (options.skip is not None and options.skip.search(value)):
            return
        for part in value.split(options.split) if options.split is not None else [value]:
            item = part.strip() if options.trim else part
            suffix = options.trim_suffix
            if suffix and item.endswith(suffix):
                item = item[: -len(suffix)]
            if not item and options.allow_empty:
                continue
            errors = options.check(item) if item else ["must not be empty"]
            if errors:
                yield Violation(variables={"reason": "; ".join(errors), "item": item}, identity=item)


class PatternOptions(TypedDict, total=False):
    match: str
    notMatch: str


class PreparedPattern(Struct, frozen=True):
    pattern: LinearPattern
    must_match: bool  # `match` (True) or `notMatch` (False)
    text: str


@register
class Pattern(CheckFunction[PatternOptions, PreparedPattern]):
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
    accepts = frozenset({"string"})

    def prepare(self, options: PatternOptions) -> PreparedPattern:
        from svclint.engine.api import compile_safe

        if "match" in options:
            return PreparedPattern(prepared_option(options, "match", compile_safe), True, options["match"])
        return PreparedPattern(prepared_option(options, "notMatch", compile_safe), False, options["notMatch"])

    def check(self, target: Target, options: PreparedPattern, context: CheckContext) -> Iterable[Violation]:
        if options.pattern.search(target.value) != options.must_match:
            yield Violation(variables={"pattern": options.text})


class _CidrMinimums(TypedDict):
    minV4: int
    minV6: int


class CidrPrefixOptions(_CidrMinimums, total=False):
    split: str


@register
class CidrPrefix(CheckFunction[CidrPrefixOptions, CidrPrefixOptions]):
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
    accepts = frozenset({"string"})

    def check(self, target: Target, options: CidrPrefixOptions, context: CheckContext) -> Iterable[Violation]:
        value: str = target.value
        for part in value.split(options["split"]) if "split" in options else [value]:
            network = parse_network(part)
            if network is None:
                continue
            least = options["minV4"] if network.version == 4 else options["minV6"]
            if network.prefixlen < least:
                yield Violation(variables={"item": part.strip(), "prefix": network.prefixlen}, identity=part.strip())
