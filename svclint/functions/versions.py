"""Checks that depend on the Kubernetes version the manifests are for (`--kube-version`): fields and values a
version does not accept yet, and API group/versions it no longer serves.

The facts are data (`rules/tables/kube-versions.yaml`, passed in as the `table` option); the target version is a
run parameter (`params.kubeVersion`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypedDict

from msgspec import Struct

from svclint.core.model import FieldPath, format_field_path
from svclint.engine.api import CheckContext, CheckFunction, Target, Violation, register
from svclint.input.document import Resource
from svclint.inventory.neighbourhood import same_project
from svclint.k8s.versions import KubeVersion, parse_version_entry, version_text

_VERSION = {"type": "string", "pattern": r"^1\.[0-9]{1,3}$"}
_TEXT = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": _TEXT, "minItems": 1}


def _rows(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    row = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"type": "array", "items": row}


_GATED = {"path": _TEXT, "kinds": _NAMES, "introduced": _VERSION, "since": _VERSION, "gate": _TEXT, "source": _TEXT}
TABLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "fields": _rows(_GATED, ["path", "kinds", "introduced", "since", "source"]),
        "values": _rows({**_GATED, "values": _NAMES}, ["path", "kinds", "values", "introduced", "since", "source"]),
        "apiVersions": _rows(
            {
                "apiVersion": _TEXT,
                "kinds": _NAMES,
                "removed": _VERSION,
                "replacements": _rows({"apiVersion": _TEXT, "since": _VERSION}, ["apiVersion", "since"]),
                "instead": _TEXT,
                "source": _TEXT,
            },
            ["apiVersion", "kinds", "removed", "replacements", "source"],
        ),
    },
    "required": ["fields", "values", "apiVersions"],
    "additionalProperties": False,
}


TABLE_OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"table": TABLE_SCHEMA},
    "required": ["table"],
    "additionalProperties": False,
}


def target_version(context: CheckContext) -> KubeVersion:
    version = context.params["kubeVersion"]
    return int(version["major"]), int(version["minor"])


class Gated(Struct, frozen=True):
    """A field, or some values of a field, that a version knows from `introduced` and accepts by default from
    `since` (in between, only where the feature gate is turned on)."""

    path: tuple[str, ...]
    kinds: frozenset[str]
    introduced: KubeVersion
    since: KubeVersion
    gate: str
    values: frozenset[str]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Gated:
        return cls(
            path=tuple(row["path"].split(".")),
            kinds=frozenset(row["kinds"]),
            introduced=parse_version_entry(row["introduced"]),
            since=parse_version_entry(row["since"]),
            gate=row.get("gate", ""),
            values=frozenset(row.get("values", ())),
        )

    def availability(self, version: KubeVersion) -> str:
        """'' when `version` accepts it by default; otherwise why not, for messages."""
        since = version_text(self.since)
        if version >= self.since:
            return ""
        if version >= self.introduced and self.gate:
            return (
                f"needs the {self.gate} feature gate, off by default in Kubernetes {version_text(version)} "
                f"(on by default from {since})"
            )
        return f"is not known to Kubernetes {version_text(version)} (accepted from {since})"


def _walk(value: Any, parts: tuple[str, ...], path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    """Each (path, value) at `parts`; `*` is each item of a list."""
    if not parts:
        yield path, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(item, rest, (*path, index))
    elif isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest, (*path, head))


class VersionTableOptions(TypedDict):
    table: dict[str, Any]  # checked column by column by TABLE_OPTIONS


@register
class AvailableInKubeVersion(CheckFunction[VersionTableOptions, tuple[tuple[Gated, ...], tuple[Gated, ...]]]):
    name = "availableInKubeVersion"
    description = (
        "Fields and field values the target Kubernetes version (`--kube-version`) does not accept by default, from "
        "the `fields` and `values` of `table` (`{{params.tables.kubeVersions}}`). A field the version does not "
        "know, or knows only behind a feature gate that is off by default, is reported at its value (the API "
        "server drops it); so is a value it does not accept yet (the API server refuses it). Judges the whole "
        "object (`given: $`)."
    )
    options_schema = TABLE_OPTIONS
    provides = frozenset({"reason", "kubeVersion"})

    def prepare(self, options: VersionTableOptions) -> tuple[tuple[Gated, ...], tuple[Gated, ...]]:
        table = options["table"]
        return (
            tuple(Gated.from_row(row) for row in table["fields"]),
            tuple(Gated.from_row(row) for row in table["values"]),
        )

    def check(
        self, target: Target, options: tuple[tuple[Gated, ...], tuple[Gated, ...]], context: CheckContext
    ) -> Iterable[Violation]:
        fields, values = options
        version = target_version(context)
        kind = context.resource.kind
        data = target.value
        text = version_text(version)
        dropped: set[FieldPath] = set()  # a field the API server drops: its value is not judged again
        for entry in fields:
            why = entry.availability(version) if kind in entry.kinds else ""
            if not why:
                continue
            for path, value in _walk(data, entry.path, ()):
                if value is None:
                    continue  # an explicit null is the same as leaving the field out
                effect = (
                    "where the gate is off, the API server drops the field silently"
                    if "feature gate" in why
                    else "the API server drops the unknown field (kubectl refuses it under strict field validation)"
                )
                reason = f"{format_field_path(path)} {why}: {effect}"
                dropped.add(path)
                yield Violation(path=path, variables={"reason": reason, "kubeVersion": text})
        for entry in values:
            why = entry.availability(version) if kind in entry.kinds else ""
            if not why:
                continue
            for path, value in _walk(data, entry.path, ()):
                if isinstance(value, str) and value in entry.values and path not in dropped:
                    effect = "the API server refuses the value (Unsupported value)"
                    if "feature gate" in why:
                        effect = "where the gate is off, the API server refuses the value (Unsupported value)"
                    reason = f'{format_field_path(path)} "{value}" {why}: {effect}'
                    yield Violation(path=path, variables={"reason": reason, "kubeVersion": text})


class Removal(Struct, frozen=True):
    api_version: str
    kinds: frozenset[str]
    removed: KubeVersion
    replacements: tuple[tuple[str, KubeVersion], ...]
    instead: str


@register
class ServedInKubeVersion(CheckFunction[VersionTableOptions, tuple[Removal, ...]]):
    name = "servedInKubeVersion"
    description = (
        "The object's `apiVersion` is still served, for its kind, by the target Kubernetes version "
        "(`--kube-version`), from the `apiVersions` of `table` (`{{params.tables.kubeVersions}}`). When it is not, "
        "the finding names the newest replacement that version serves. Silent when the object's project also "
        "defines the same object (kind, namespace, name) in an API version that the target serves: the definition "
        "is a legacy variant for older clusters. Judges `$.apiVersion`."
    )
    options_schema = TABLE_OPTIONS
    provides = frozenset({"reason", "kubeVersion", "replacement"})
    needs_inventory = True
    reads_projection = True  # the apiVersion, and the identity of the object

    accepts = frozenset({"string"})  # $.apiVersion

    def prepare(self, options: VersionTableOptions) -> tuple[Removal, ...]:
        return tuple(
            Removal(
                api_version=row["apiVersion"],
                kinds=frozenset(row["kinds"]),
                removed=parse_version_entry(row["removed"]),
                replacements=tuple((r["apiVersion"], parse_version_entry(r["since"])) for r in row["replacements"]),
                instead=row.get("instead", ""),
            )
            for row in options["table"]["apiVersions"]
        )

    def check(self, target: Target, options: tuple[Removal, ...], context: CheckContext) -> Iterable[Violation]:
        removals = options
        version = target_version(context)
        kind = context.resource.kind
        for removal in removals:
            if removal.api_version != target.value or kind not in removal.kinds or version < removal.removed:
                continue
            if _served_variant(context, removals, version) is not None:
                return  # the project ships the object for newer clusters too: this definition is for older ones
            replacement = _replacement(removal, removals, kind, version)
            reason = (
                f"{removal.api_version} {kind} is not served by Kubernetes {version_text(version)} (removed in "
                f"{version_text(removal.removed)}): the API server refuses the object"
            )
            yield Violation(
                variables={"reason": reason, "kubeVersion": version_text(version), "replacement": replacement}
            )
            return


def _served_variant(context: CheckContext, removals: tuple[Removal, ...], version: KubeVersion) -> Resource | None:
    """Another definition of the same object (kind, namespace, name) in the object's project, in an API version
    that `version` serves: a legacy variant kept beside its replacement (a kustomize component that patches the
    apiVersion, a folder per Kubernetes release)."""
    resource = context.resource
    kind = resource.kind
    gone = {r.api_version for r in removals if kind in r.kinds and version >= r.removed}
    for other in context.inventory.definitions.get((kind, resource.namespace, resource.name), ()):
        if other.api_version not in gone and same_project(other.path, resource.path):
            return other
    return None


def _replacement(removal: Removal, removals: tuple[Removal, ...], kind: str, version: KubeVersion) -> str:
    """The newest replacement `version` serves for `kind`: one that exists already and is not removed itself."""
    gone = {r.api_version for r in removals if kind in r.kinds and version >= r.removed}
    served = [(since, name) for name, since in removal.replacements if since <= version and name not in gone]
    if served:
        return f"use {max(served)[1]}"
    return f"use {removal.instead}" if removal.instead else "no replacement is served"
