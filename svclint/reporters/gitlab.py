"""GitLab Code Quality report (JSON array), for `artifacts: reports: codequality`.

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format: description, check_name,
fingerprint, severity (info, minor, major, critical, blocker), location.path and location.lines.begin.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from svclint.core.fingerprint import fingerprint
from svclint.core.model import Finding, Severity
from svclint.reporters.base import Report
from svclint.reporters.present import escape, report_path

_SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def render(report: Report) -> str:
    security = {active.rule.id for active in report.rules if "security" in active.rule.tags}
    issues = [_issue(f, f.rule_id in security, report.root) for f in report.active()]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, security: bool, root: Path) -> dict[str, Any]:
    span = finding.location.span
    return {
        "type": "issue",
        "check_name": finding.rule_id,
        "description": f"{finding.rule_id} {escape(finding.message)}",
        "categories": ["Security"] if security else ["Bug Risk"],
        "severity": _SEVERITIES[finding.severity],
        "fingerprint": fingerprint(finding),
        "location": {
            "path": report_path(finding.location.path, root),
            "positions": {
                "begin": {"line": span.start_line, "column": span.start_col},
                "end": {"line": span.end_line, "column": span.end_col},
            },
        },
    }
