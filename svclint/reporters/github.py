"""GitHub Actions workflow commands: annotations on the pull request's files, at the finding's span.

https://docs.github.com/actions/reference/workflow-commands-for-github-actions (error, warning, notice). Data is
escaped (% CR LF), properties too (and , :); untrusted text is made inert first (present.py), so a name cannot
end the command or start another.
"""

from __future__ import annotations

from svclint.core.model import Finding, Severity
from svclint.reporters.base import Report
from svclint.reporters.present import escape, shown_path

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(report: Report) -> str:
    return "".join(_line(finding, report) + "\n" for finding in report.active())


def _line(finding: Finding, report: Report) -> str:
    span = finding.location.span
    properties = {
        "file": shown_path(finding.location.path, report.root),
        "line": span.start_line,
        "col": span.start_col,
        "endLine": span.end_line,
        "endColumn": span.end_col,
        "title": f"{finding.rule_id} {finding.rule_name}",
    }
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    message = escape(finding.message)
    for related in finding.related:
        where = f"{shown_path(related.path, report.root)}:{related.span.start_line}:{related.span.start_col}"
        message += f"\n  {where}: {escape(related.message or 'related location')}"
    return f"::{_COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
