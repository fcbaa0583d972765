"""Checks on the shape of an object: fields that must or must not be there, lists without duplicates,
values that must agree with other fields, label maps, IP families."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict

from svclint.core.model import FieldPath, format_field_path
from svclint.engine.api import (
    ANY_VALUE,
    MISSING,
    PRESENT,
    CheckContext,
    CheckFunction,
    NoOptions,
    Related,
    Selector,
    Target,
    Violation,
    compile_selector,
    display,
    is_empty,
    prepared_option,
    register,
    same_value,
)
from svclint.k8s.validation import FORMATS, parse_ip


class ForbiddenOptions(TypedDict, total=False):
    allow: list[Any]
    values: list[Any]


@register
class Forbidden(CheckFunction[ForbiddenOptions, ForbiddenOptions]):
    name = "forbidden"
    description = (
        "The field must not be set (the rule's conditions say when). Values in `allow` pass (0 or '' for fields "
        "whose zero value means 'unset'); with `values`, only those values are refused."
    )
    options_schema = {
        "type": "object",
        "properties": {"allow": {"type": "array"}, "values": {"type": "array", "minItems": 1}},
        "additionalProperties": False,
    }
    accepts = PRESENT - {"null"}  # null is the same as unset

    def check(self, target: Target, options: ForbiddenOptions, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if "values" in options:
            if any(same_value(value, item) for item in options["values"]):
                yield Violation()
            return
        if not any(same_value(value, item) for item in options.get("allow", ())):
            yield Violation()


class RequiredOptions(TypedDict, total=False):
    allowEmpty: bool


@register
class Required(CheckFunction[RequiredOptions, RequiredOptions]):
    name = "required"
    description = "The field must be present and not null; unless `allowEmpty`, not '' nor an empty list or map."
    options_schema = {
        "type": "object",
        "properties": {"allowEmpty": {"type": "boolean"}},
        "additionalProperties": False,
    }
    accepts = ANY_VALUE

    def check(self, target: Target, options: RequiredOptions, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if value is MISSING or value is None or (not options.get("allowEmpty", False) and is_empty(value)):
            yield Violation()


class CountOptions(TypedDict, total=False):
    min: int
    max: int


@register
class Count(CheckFunction[CountOptions, CountOptions]):
    name = "count"
    description = "A list (or map) has between `min` and `max` entries."
    options_schema = {
        "type": "object",
        "properties": {"min": {"type": "integer", "minimum": 0}, "max": {"type": "integer", "minimum": 0}},
        "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
        "additionalProperties": False,
    }
    provides = frozenset({"count", "min", "max"})
    accepts = frozenset({"list", "mapping"})

    def check(self, target: Target, options: CountOptions, context: CheckContext) -> Iterable[Violation]:
        value: list[Any] | dict[str, Any] = target.value
        low, high = options.get("min"), options.get("max")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            yield Violation(variables={"count": len(value), "min": low, "max": high})


class _UniqueKeys(TypedDict):
    keys: list[str]


class UniqueItemsOptions(_UniqueKeys, total=False):
    defaults: dict[str, Any]
    ignore: dict[str, list[Any]]
    exemptIfEqual: list[str]
    onlyIfDifferent: list[str]
    reportAt: str


@register
class UniqueItems(CheckFunction[UniqueItemsOptions, UniqueItemsOptions]):
    name = "uniqueItems"
    description = (
        "No two items of a list share the values of `keys` (the whole item when `keys` is empty). `defaults` "
        "fill absent fields first (protocol TCP); items whose field is in `ignore` are skipped (nodePort 0); "
        "items that also agree on `exemptIfEqual` may share keys; with `onlyIfDifferent`, only items that "
        "differ on those fields count. Reported at the later item (its `reportAt` field), with the first as a "
        "related location."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "keys": {"type": "array", "items": {"type": "string"}},
            "defaults": {"type": "object"},
            "ignore": {"type": "object", "additionalProperties": {"type": "array"}},
            "exemptIfEqual": {"type": "array", "items": {"type": "string"}},
            "onlyIfDifferent": {"type": "array", "items": {"type": "string"}},
            "reportAt": {"type": "string"},
        },
        "required": ["keys"],
        "additionalProperties": False,
    }
    provides = frozenset({"key", "first"})
    accepts = frozenset({"list"})

    def check(self, target: Target, options: UniqueItemsOptions, context: CheckContext) -> Iterable[Violation]:
        items: list[Any] = target.value
        keys: list[str] = options["keys"]
        seen: list[tuple[int, tuple[Any, ...], dict[str, Any]]] = []
        for index, item in enumerate(items):
            fields = self._counted_fields(item, options)
            if fields is None:
                continue
            key = tuple(_hashable(fields.get(name)) for name in keys) if keys else (_hashable(item),)
            first_index = next(
                (i for i, k, f in seen if k == key and self._counts(fields, f, options)),
                None,
            )
            if first_index is not None:
                yield self._duplicate(target, context, options, (index, item, fields), first_index)
            seen.append((index, key, fields))

    def _counted_fields(self, item: Any, options: UniqueItemsOptions) -> dict[str, Any] | None:
        """The item's fields with the defaults filled in; None for an item the options leave out."""
        fields = self._fields(item, options.get("defaults", {}))
        ignore: dict[str, list[Any]] = options.get("ignore", {})
        if fields is None or any(
            any(same_value(fields.get(name), skip) for skip in values) for name, values in ignore.items()
        ):
            return None
        return fields

    @staticmethod
    def _duplicate(
        target: Target,
        context: CheckContext,
        options: UniqueItemsOptions,
        later: tuple[int, Any, dict[str, Any]],
        first_index: int,
    ) -> Violation:
        index, item, fields = later
        report = options.get("reportAt")
        path: FieldPath = (*target.path, index, report) if report else (*target.path, index)
        first_path: FieldPath = (*target.path, first_index, report) if report else (*target.path, first_index)
        rendered = ", ".join(f"{name} {display(fields.get(name))}" for name in options["keys"]) or display(item)
        return Violation(
            path=path,
            variables={"key": rendered, "first": format_field_path(first_path)},
            related=(Related(context.resource, first_path, f"first: {format_field_path(first_path)}"),),
            identity=str(index),
        )

    @staticmethod
    def _fields(item: Any, defaults: dict[str, Any]) -> dict[str, Any] | None:
        if isinstance(item, dict):
            fields = dict(item)
            for name, value in defaults.items():
                if fields.get(name) in (None, ""):
                    fields[name] = value
            return fields
        return {} if not defaults else None

    @staticmethod
    def _counts(fields: dict[str, Any], first: dict[str, Any], options: UniqueItemsOptions) -> bool:
        exempt = options.get("exemptIfEqual", [])
        if exempt and all(_hashable(fields.get(n)) == _hashable(first.get(n)) for n in exempt):
            return False
        different = options.get("onlyIfDifferent", [])
        return not different or any(_hashable(fields.get(n)) != _hashable(first.get(n)) for n in different)


def _hashable(value: Any) -> Any:
    """A key for comparing YAML values: type and value (the string '80' differs from the number 80)."""
    if isinstance(value, (dict, list)):
        return (type(value).__name__, repr(value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    return (type(value).__name__, value)


class EqualsFieldOptions(TypedDict):
    other: str


@register
class EqualsField(CheckFunction[EqualsFieldOptions, Selector]):
    name = "equalsField"
    description = "The value equals the value of another field of the same object (`other`, a JSONPath)."
    options_schema = {
        "type": "object",
        "properties": {"other": {"type": "string", "pattern": "^\\$"}},
        "required": ["other"],
        "additionalProperties": False,
    }
    provides = frozenset({"other"})

    def prepare(self, options: EqualsFieldOptions) -> Selector:
        return prepared_option(options, "other", compile_selector)

    def check(self, target: Target, options: Selector, context: CheckContext) -> Iterable[Violation]:
        found = options.find(context.resource.data)
        if not found:
            return
        other_path, other = found[0]
        if not same_value(target.value, other):
            yield Violation(
                variables={"other": display(other)},
                related=(Related(context.resource, other_path, format_field_path(other_path)),),
            )


class DistinctFromOptions(TypedDict):
    others: str


@register
class DistinctFrom(CheckFunction[DistinctFromOptions, Selector]):
    name = "distinctFrom"
    description = "The value differs from every value `others` (a JSONPath) selects in the same object."
    options_schema = {
        "type": "object",
        "properties": {"others": {"type": "string", "pattern": "^\\$"}},
        "required": ["others"],
        "additionalProperties": False,
    }
    provides = frozenset({"other"})

    accepts = PRESENT - {"null"}

    def prepare(self, options: DistinctFromOptions) -> Selector:
        return prepared_option(options, "others", compile_selector)

    def check(self, target: Target, options: Selector, context: CheckContext) -> Iterable[Violation]:
        value = target.value
        if value == 0:
            return
        for other_path, other in options.find(context.resource.data):
            if other_path != target.path and same_value(value, other):
                yield Violation(
                    variables={"other": format_field_path(other_path)},
                    related=(Related(context.resource, other_path, format_field_path(other_path)),),
                )
                return


class MapFormatOptions(TypedDict, total=False):
    keys: str
    values: str
    lowercaseKeys: bool
    maxBytes: int


@register
class MapFormat(CheckFunction[MapFormatOptions, MapFormatOptions]):
    name = "mapFormat"
    description = (
        "Every key of a map has the format `keys` and every value the format `values` (formats as in `format`; "
        "`lowercaseKeys` checks keys lowercased, as annotation keys are); `maxBytes` bounds the total size of keys "
        "and values. Non-string values are left to the type rules."
    )
    options_schema = {
        "type": "object",
        "properties": {
            "keys": {"enum": sorted(FORMATS)},
            "values": {"enum": sorted(FORMATS)},
            "lowercaseKeys": {"type": "boolean"},
            "maxBytes": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    }
    provides = frozenset({"reason", "item", "size"})
    accepts = frozenset({"mapping"})

    def check(self, target: Target, options: MapFormatOptions, context: CheckContext) -> Iterable[Violation]:
        mapping: dict[str, Any] = target.value
        key_check = FORMATS.get(options.get("keys", ""))
        value_check = FORMATS.get(options.get("values", ""))
        for key, value in mapping.items():
            path = (*target.path, key)
            if key_check is not None:
                errors = key_check(key.lower() if options.get("lowercaseKeys") else key)
                if errors:
                    yield Violation(
                        path=path,
                        variables={"reason": f'key "{key}": ' + "; ".join(errors), "item": key},
                        at_key=True,
                        identity=f"key:{key}",
                    )
            if value_check is not None and isinstance(value, str):
                errors = value_check(value)
                if errors:
                    yield Violation(
                        path=path,
                        variables={"reason": f'value "{value}" of {key}: ' + "; ".join(errors), "item": key},
                        identity=f"value:{key}",
                    )
        limit = options.get("maxBytes")
        if limit is not None:
            size = sum(len(k.encode()) + len(str(v).encode()) for k, v in mapping.items())
            if size > limit:
                yield Violation(variables={"reason": f"total size {size} bytes exceeds {limit}", "size": size})


def _parsed_addresses(addresses: list[Any]) -> list[Any]:
    """Each address parsed, None for what is not an address (the "None" of a headless Service)."""
    return [parse_ip(a) if isinstance(a, str) and a != "None" else None for a in addresses]


@register
class IpAddressesOnePerFamily(CheckFunction[NoOptions, NoOptions]):
    name = "ipAddressesOnePerFamily"
    description = "A list of two or more IP addresses holds at most one address of each family (IPv4, IPv6)."
    provides = frozenset({"family"})
    accepts = frozenset({"list"})

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        addresses: list[Any] = target.value
        versions = [ip.version for ip in _parsed_addresses(addresses) if ip is not None]
        if len(versions) == len(addresses) >= 2 and len(set(versions)) < len(versions):
            yield Violation(variables={"family": f"IPv{versions[0]}"})


class IpAddressesMatchFamiliesOptions(TypedDict):
    families: str


@register
class IpAddressesMatchFamilies(CheckFunction[IpAddressesMatchFamiliesOptions, Selector]):
    name = "ipAddressesMatchFamilies"
    description = (
        "Each IP address of the list has the family that the list `families` (a JSONPath to ipFamilies) gives at "
        "the same index. Silent for a headless Service's `None`."
    )
    options_schema = {
        "type": "object",
        "properties": {"families": {"type": "string", "pattern": "^\\$"}},
        "required": ["families"],
        "additionalProperties": False,
    }
    provides = frozenset({"family", "index"})
    accepts = frozenset({"list"})

    def prepare(self, options: IpAddressesMatchFamiliesOptions) -> Selector:
        return prepared_option(options, "families", compile_selector)

    def check(self, target: Target, options: Selector, context: CheckContext) -> Iterable[Violation]:
        addresses: list[Any] = target.value
        if not (addresses and addresses[0] == "None"):
            parsed = _parsed_addresses(addresses)
            yield from _family_mismatches(target, parsed, options.first(context.resource.data))


def _family_mismatches(target: Target, parsed: list[Any], families: Any) -> Iterable[Violation]:
    """Each address whose family is not the one ipFamilies gives at the same index."""
    if not isinstance(families, list):
        return
    for index, (ip, family) in enumerate(zip(parsed, families, strict=False)):
        expected = {"IPv4": 4, "IPv6": 6}.get(family) if isinstance(family, str) else None
        if ip is not None and expected is not None and ip.version != expected:
            yield Violation(
                path=(*target.path, index),
                variables={"family": family, "index": index},
                identity=str(index),
            )
