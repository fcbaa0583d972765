"""GitHub Actions workflow commands: annotations on the pull request's files, at the finding's span.

https://docs.github.com/actions/reference/workflow-commands-for-github-actions (error, warning, notice). Data is
escaped (% CR LF), properties too (and , :).
"""

from __future__ import annotations

from svclint.model import Finding, Severity
from svclint.reporters.base import Report

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(report: Report) -> str:
    return "".join(_line(finding) + "\n" for finding in report.findings if finding.suppression is None)


def _line(finding: Finding) -> str:
    span = finding.location.span
    properties = {
        "file": finding.location.path,
        "line": span.start_line,
        "col": span.start_col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
        "title": f"{finding.rule_id} {finding.rule_name}",
    }
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    message = finding.message
    for related in finding.related:
        where = f"{related.path}:{related.span.start_line}:{related.span.start_col}"
        message += f"\n  {where}: {related.message or 'related location'}"
    return f"::{_COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
