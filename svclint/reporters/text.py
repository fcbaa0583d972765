"""`path:line:col: severity RULE-ID message`, one line per finding, related locations indented below."""

from __future__ import annotations

from collections import Counter

from svclint.model import Finding, Severity
from svclint.reporters.base import Report

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.NOTE: "\x1b[1;36m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def render(report: Report) -> str:
    lines: list[str] = []
    shown = report.visible()
    for finding in shown:
        lines.append(_line(finding, report.color))
        for related in finding.related:
            where = f"{related.path}:{related.span.start_line}:{related.span.start_col}"
            lines.append(f"    {_paint(where, _DIM, report.color)}: {related.message or 'related location'}")
    lines.append(_summary(report, shown))
    return "\n".join(lines) + "\n"


def _line(finding: Finding, color: bool) -> str:
    span = finding.location.span
    where = f"{finding.location.path}:{span.start_line}:{span.start_col}:"
    severity = _paint(finding.severity.label, _COLORS[finding.severity], color)
    suppressed = " (suppressed)" if finding.suppression is not None else ""
    return f"{_paint(where, _BOLD, color)} {severity} {finding.rule_id} {finding.message}{suppressed}"


def _summary(report: Report, shown: list[Finding]) -> str:
    stats = report.stats
    checked = f"checked {stats.files} file{'s' if stats.files != 1 else ''}, {stats.documents} document" + (
        "s" if stats.documents != 1 else ""
    )
    notes = []
    if stats.skipped_files:
        notes.append(f"{stats.skipped_files} not linted")
    if stats.not_kubernetes:
        count = stats.not_kubernetes
        notes.append("1 not a Kubernetes object" if count == 1 else f"{count} not Kubernetes objects")
    if notes:
        checked += " (" + ", ".join(notes) + ")"
    suffix = _suppressed_note(report)
    active = [f for f in shown if f.suppression is None]
    if not active:
        return f"No problems found; {checked}{suffix}."
    counts = Counter(f.severity for f in active)
    parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}" for s in sorted(counts, reverse=True)]
    files = len({f.location.path for f in active})
    total = len(active)
    return (
        f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} "
        f"file{'s' if files != 1 else ''}; {checked}{suffix}."
    )


def _suppressed_note(report: Report) -> str:
    """`; 3 suppressed (1 without a reason, 2 by the baseline, hidden)`, or nothing."""
    suppressed = sum(1 for f in report.findings if f.suppression is not None)
    if not suppressed:
        return ""
    details = []
    if report.suppressions.without_reason:
        details.append(f"{report.suppressions.without_reason} without a reason")
    if report.suppressions.baseline:
        details.append(f"{report.suppressions.baseline} by the baseline")
    if not report.show_suppressed:
        details.append("hidden: --show-suppressed shows them")
    return f"; {suppressed} suppressed" + (f" ({', '.join(details)})" if details else "")


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text
