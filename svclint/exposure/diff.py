"""What a change exposes: this run's entries against an earlier JSON report (the target branch's, say).

Entries are matched by what names them (via, namespace, Service, port, protocol, address, path), never by line:
moving a manifest changes nothing. An entry that matches none, but has a gone twin that differs only in the
Service's name (same port, reach, sources and workloads), was renamed: that exposes nothing new.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import jsonschema

from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.errors import SvclintError
from svclint.exposure.model import REACH_WIDTH, Entry, ExposureReport, Place, Reach
from svclint.exposure.render_json import VERSION, schema

MAX_BASE_BYTES = 64 * 1024 * 1024


class DiffError(SvclintError):
    """A base report that cannot be read or is not an exposure report (exit 2)."""


def read_base(path: str) -> list[dict[str, Any]]:
    try:
        raw = read_regular_file(path, MAX_BASE_BYTES, "base report", allow_fifo=True)
    except FileReadError as err:
        raise DiffError(str(err)) from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise DiffError(f"{path}: not JSON ({err})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise DiffError(f"{path}: not an svclint exposure report of version {VERSION} (`svclint exposure -f json`)")
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(part) for part in errors[0].absolute_path) or "the top level"
        raise DiffError(f"{path}: not a valid exposure report at {where}: {errors[0].message}")
    return [e for e in data["entryPoints"] if e.get("change") != "gone"]


def _identity(data: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(data.get(key) for key in ("via", "namespace", "service", "port", "protocol", "address", "httpPath"))


def _twin(data: Mapping[str, Any]) -> tuple[Any, ...]:
    """Everything but the Service's name (and the address, which names the workload behind a host port)."""
    workloads = tuple(sorted((w["kind"], w["namespace"], w["name"]) for w in data.get("workloads", ())))
    fields = ("via", "namespace", "port", "protocol", "nodePort", "httpPath", "reach")
    return (*(data.get(key) for key in fields), tuple(sorted(data.get("sources", ()))), workloads)


def _as_data(entry: Entry) -> dict[str, Any]:
    return {
        "via": entry.via,
        "namespace": entry.namespace,
        "service": entry.service,
        "port": entry.port,
        "protocol": entry.protocol,
        "address": entry.address,
        "httpPath": entry.http_path,
        "nodePort": entry.node_port,
        "reach": entry.reach.level,
        "sources": list(entry.reach.sources),
        "workloads": [{"kind": w.kind, "namespace": w.namespace, "name": w.name} for w in entry.workloads],
    }


def apply_diff(report: ExposureReport, base: list[dict[str, Any]], base_name: str) -> None:
    report.diff_base = base_name
    waiting: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for old in base:
        waiting[_identity(old)].append(old)
    unmatched: list[Entry] = []
    for entry in report.entries:
        candidates = waiting.get(_identity(_as_data(entry)))
        if not candidates:
            unmatched.append(entry)
            continue
        old = candidates.pop(0)
        if old["reach"] != entry.reach.level:
            entry.change, entry.previous_reach = "reach", old["reach"]
        else:
            entry.change = "unchanged"
    left = [old for olds in waiting.values() for old in olds]
    twins: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for old in left:
        twins[_twin(old)].append(old)
    for entry in unmatched:
        candidates = twins.get(_twin(_as_data(entry)))
        if candidates:
            old = candidates.pop(0)
            left.remove(old)
            entry.change, entry.previous_name = "renamed", old.get("service") or old.get("address")
        else:
            entry.change = "new"
    report.gone = [_gone(old) for old in left]


def _gone(data: Mapping[str, Any]) -> Entry:
    location = data["location"]
    entry = Entry(
        data["via"],
        data["namespace"],
        data["service"],
        data["port"],
        data["protocol"],
        data["nodePort"],
        Reach(data["reach"], tuple(data["sources"]), tuple(data.get("evidence", ()))),
        Place(location["path"], location["line"], location["column"]),
    )
    entry.address, entry.http_path, entry.change = data.get("address"), data.get("httpPath"), "gone"
    return entry


def newly_exposed(report: ExposureReport, level: str) -> list[Entry]:
    """Entries this change exposes at least as far as `level`: new ones, and ones whose reach widened past it."""
    width = REACH_WIDTH[level]
    found: list[Entry] = []
    for entry in report.entries:
        now = REACH_WIDTH[entry.reach.level]
        if now < width:
            continue
        if entry.change == "new" or (
            entry.change == "reach" and REACH_WIDTH[entry.previous_reach or "unknown"] < width
        ):
            found.append(entry)
    return found
