"""SARIF 2.1.0 for GitHub code scanning and SARIF viewers (validated against the OASIS schema in the tests)."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from svclint import __version__
from svclint.engine.evaluate import ActiveRule
from svclint.fingerprint import FINGERPRINT_KEY, fingerprint
from svclint.model import Finding, Location, Severity
from svclint.project import PROJECT_URL, rule_doc_url
from svclint.reporters.base import Report
from svclint.ruledocs import rule_help_markdown, rule_help_text

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def render(report: Report) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"


def build(report: Report) -> dict[str, Any]:
    rules = sorted(report.rules, key=lambda a: a.rule.id)
    index = {active.rule.id: position for position, active in enumerate(rules)}
    results = [_result(finding, index, report.root) for finding in report.findings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "svclint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": [_descriptor(active) for active in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": report.root.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _descriptor(active: ActiveRule) -> dict[str, Any]:
    rule = active.rule
    properties: dict[str, Any] = {"tags": list(rule.tags), "precision": "very-high"}
    if rule.security_severity is not None:
        properties["security-severity"] = f"{rule.security_severity:.1f}"
        if "security" not in properties["tags"]:
            properties["tags"].append("security")
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule_help_text(rule), "markdown": rule_help_markdown(rule)},
        "helpUri": rule_doc_url(rule.id),
        "defaultConfiguration": {"level": _LEVELS[active.severity]},
        "properties": properties,
    }


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _result(finding: Finding, index: dict[str, int], root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.location, root, finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.related:
        result["relatedLocations"] = [
            {**_location(related, root, None), "id": position}
            for position, related in enumerate(finding.related, start=1)
        ]
    if finding.suppression is not None:
        result["suppressions"] = [
            {"kind": finding.suppression.kind, "justification": finding.suppression.justification}
        ]
    return result


def _location(location: Location, root: Path, finding: Finding | None) -> dict[str, Any]:
    span = location.span
    physical = {
        "artifactLocation": artifact_location(location.path, root),
        "region": {
            "startLine": span.start_line,
            "startColumn": span.start_col,
            "endLine": span.end_line,
            "endColumn": span.end_col,
        },
    }
    out: dict[str, Any] = {"physicalLocation": physical}
    if location.message:
        out["message"] = {"text": location.message}
    if finding is not None and finding.resource is not None:
        resource = finding.resource
        out["logicalLocations"] = [
            {
                "name": resource.name,
                "fullyQualifiedName": f"{resource.namespace}/{resource.kind}/{resource.name}",
                "kind": "resource",
            }
        ]
    return out


def artifact_location(display: str, root: Path) -> dict[str, str]:
    """Paths inside the root are relative to %SRCROOT% (what code scanning wants); others are file:// URIs."""
    path = Path(display)
    if display.startswith("<"):
        return {"uri": quote(os.fsencode(display.strip("<>")))}
    absolute = path if path.is_absolute() else (Path.cwd() / path)
    try:
        relative = absolute.resolve().relative_to(root.resolve())
    except ValueError:
        return {"uri": absolute.resolve().as_uri()}
    # Bytes, not text: a file name that is not UTF-8 is percent-encoded byte by byte (RFC 3986).
    return {"uri": quote(os.fsencode(PurePosixPath(*relative.parts).as_posix())), "uriBaseId": SRCROOT}
