"""A documented, versioned JSON report (docs/formats.md). Version 1; fields are only added within a version."""

from __future__ import annotations

import json
from typing import Any

from svclint import __version__
from svclint.fingerprint import fingerprint
from svclint.model import Finding, Location
from svclint.reporters.base import Report

FORMAT_VERSION = 1


def render(report: Report) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"


def build(report: Report) -> dict[str, Any]:
    active = [f for f in report.findings if f.suppression is None]
    stats = report.stats
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "svclint", "version": __version__},
        "summary": {
            "files": stats.files,
            "documents": stats.documents,
            "errors": sum(1 for f in active if f.severity.label == "error"),
            "warnings": sum(1 for f in active if f.severity.label == "warning"),
            "notes": sum(1 for f in active if f.severity.label == "note"),
            "suppressed": len(report.findings) - len(active),
            "suppressedWithoutReason": report.suppressions.without_reason,
            "baselined": report.suppressions.baseline,
        },
        "findings": [_finding(f) for f in report.findings],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.label,
        "message": finding.message,
        **_location(finding.location),
        "fingerprint": fingerprint(finding),
        "resource": None,
        "fieldPath": finding.field_path,
        "related": [{**_location(r), "message": r.message} for r in finding.related],
        "suppressed": None,
    }
    if finding.resource is not None:
        r = finding.resource
        out["resource"] = {"apiVersion": r.api_version, "kind": r.kind, "namespace": r.namespace, "name": r.name}
    if finding.suppression is not None:
        out["suppressed"] = {"kind": finding.suppression.kind, "justification": finding.suppression.justification}
    return out


def _location(location: Location) -> dict[str, Any]:
    span = location.span
    return {
        "path": location.path,
        "line": span.start_line,
        "column": span.start_col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
    }
