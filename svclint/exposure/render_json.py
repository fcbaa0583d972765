"""The report for machines: `{"version": 1, "entryPoints": [...]}`, as exposure.schema.json describes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from svclint.core.model import Finding
from svclint.exposure.model import REACH_ORDER, Entry, ExposureReport, Hop, Place, Workload

VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("exposure.schema.json")


def to_data(report: ExposureReport) -> dict[str, Any]:
    entries = [*report.entries, *report.gone]
    data: dict[str, Any] = {
        "version": VERSION,
        "summary": {level: sum(1 for e in report.entries if e.reach.level == level) for level in REACH_ORDER},
        "entryPoints": [_entry(entry) for entry in entries],
    }
    if report.diff_base is not None:
        changes = [e.change for e in entries]
        data["diff"] = {
            "base": report.diff_base,
            **{name: changes.count(name) for name in ("new", "gone", "reach", "renamed", "unchanged")},
        }
    return data


def render(report: ExposureReport) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"


def _entry(entry: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "via": entry.via,
        "namespace": entry.namespace,
        "service": entry.service,
        "port": entry.port,
        "protocol": entry.protocol,
        "nodePort": entry.node_port,
        "address": entry.address,
        "httpPath": entry.http_path,
        "reach": entry.reach.level,
        "sources": list(entry.reach.sources),
        "evidence": list(entry.reach.evidence),
        "workloads": [_workload(w) for w in entry.workloads],
        "findings": entry.rule_ids(),
        "location": entry.place.to_json(),
        "hops": [_hop(hop) for hop in entry.hops],
    }
    if entry.change is not None:
        data["change"] = entry.change
        if entry.previous_reach is not None:
            data["previousReach"] = entry.previous_reach
        if entry.previous_name is not None:
            data["previousService"] = entry.previous_name
    return data


def _workload(workload: Workload) -> dict[str, Any]:
    return {
        "kind": workload.kind,
        "namespace": workload.namespace,
        "name": workload.name,
        "replicas": workload.replicas,
        "location": workload.place.to_json(),
    }


def _hop(hop: Hop) -> dict[str, Any]:
    return {
        "kind": hop.kind,
        "text": hop.text,
        "location": _place(hop.place),
        "findings": [_finding(f) for f in hop.findings],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    span = finding.location.span
    return {
        "ruleId": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "location": {"path": finding.location.path, "line": span.start_line, "column": span.start_col},
    }


def _place(place: Place | None) -> dict[str, Any] | None:
    return None if place is None else place.to_json()


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded
