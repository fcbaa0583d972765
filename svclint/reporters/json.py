"""A documented, versioned JSON report (docs/formats.md). Version 1; fields are only added within a version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from svclint import __version__
from svclint.core.fingerprint import fingerprint
from svclint.core.model import Finding, Location
from svclint.reporters.base import Report
from svclint.reporters.present import escape, report_path

FORMAT_VERSION = 1


def render(report: Report) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"


def build(report: Report) -> dict[str, Any]:
    active = [f for f in report.findings if f.suppression is None]
    stats = report.stats
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "svclint", "version": __version__},
        "kubeVersion": report.kube_version,
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
        "findings": [_finding(f, report.root) for f in report.findings],
    }


def _finding(finding: Finding, root: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": finding.rule_id,
        "name": finding.rule_name,
        "severity": finding.severity.label,
        "message": escape(finding.message),
        **_location(finding.location, root),
        "fingerprint": fingerprint(finding),
        "resource": None,
        "fieldPath": finding.field_path,
        "related": [{**_location(r, root), "message": _maybe_escape(r.message)} for r in finding.related],
        "suppressed": None,
    }
    if finding.resource is not None:
        r = finding.resource
        out["resource"] = {
            "apiVersion": escape(r.api_version),
            "kind": escape(r.kind),
            "namespace": escape(r.namespace),
            "name": escape(r.name),
        }
    if finding.field_path is not None:
        out["fieldPath"] = escape(finding.field_path)
    if finding.suppression is not None:
        justification = escape(finding.suppression.justification)
        out["suppressed"] = {"kind": finding.suppression.kind, "justification": justification}
    return out


def _maybe_escape(text: str | None) -> str | None:
    return None if text is None else escape(text)


def _location(location: Location, root: Path) -> dict[str, Any]:
    span = location.span
    return {
        "path": report_path(location.path, root),
        "line": span.start_line,
        "column": span.start_col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
    }
