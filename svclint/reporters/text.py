"""`path:line:col: severity RULE-ID message`, one line per finding, related locations indented below.

With `show_source`, each finding also shows its source line with a caret under the span; with `statistics`,
counts per rule replace the findings. Colour goes through click's styling; untrusted text is escaped
(present.py), so one finding is always one line.
"""

from __future__ import annotations

from collections import Counter

import click

from svclint.core.model import Finding, Location, Severity
from svclint.core.stats import RunStats
from svclint.reporters.base import Report
from svclint.reporters.present import escape, shown_path

_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


def render(report: Report) -> str:
    shown = report.visible()
    lines = statistics_lines(report) if report.statistics else findings_lines(report, shown)
    if not report.quiet:
        lines.append(summary(report))
    return "".join(line + "\n" for line in lines)


def findings_lines(report: Report, findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for finding in findings:
        lines.append(finding_line(finding, report))
        if report.show_source:
            lines.extend(_source(finding.location, report, _COLORS[finding.severity]))
        for related in finding.related:
            where = _where(related, report)
            message = escape(related.message or "related location")
            lines.append(f"    {_style(where, report.color, dim=True)}: {message}")
    return lines


def finding_line(finding: Finding, report: Report) -> str:
    where = _where(finding.location, report) + ":"
    color = report.color
    severity = _style(finding.severity.label, color, fg=_COLORS[finding.severity], bold=True)
    suppressed = " (suppressed)" if finding.suppression is not None else ""
    return f"{_style(where, color, bold=True)} {severity} {finding.rule_id} {escape(finding.message)}{suppressed}"


def _where(location: Location, report: Report) -> str:
    span = location.span
    return f"{shown_path(location.path, report.root)}:{span.start_line}:{span.start_col}"


def _source(location: Location, report: Report, caret_color: str) -> list[str]:
    """`  14 |     nodePort: 29999` and a caret line under the span (to the line's end when it spans lines)."""
    span = location.span
    color = report.color
    text = report.sources.line(location.path, span.start_line)
    if text is None:
        return []
    end = span.end_col if span.end_line == span.start_line else len(text) + 1
    start = min(max(span.start_col, 1), len(text) + 1)
    before = escape(text[: start - 1])
    marked = escape(text[start - 1 : max(end, start + 1) - 1])
    gutter = str(span.start_line)
    carets = "^" * max(_width(marked), 1)
    return [
        f"  {_style(gutter + ' |', color, dim=True)} {escape(text).rstrip()}",
        f"  {_style(' ' * len(gutter) + ' |', color, dim=True)} {' ' * _width(before)}"
        + _style(carets, color, fg=caret_color, bold=True),
    ]


def _width(text: str) -> int:
    """Terminal cells: East Asian wide characters take two, combining marks none."""
    if text.isascii():  # nearly every source line: one cell a character, and no need to load unicodedata
        return len(text)
    import unicodedata

    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text
    )


def statistics_lines(report: Report) -> list[str]:
    """`  3  SVC201  local-traffic-policy-without-endpoints  warning`, most frequent first."""
    counts = Counter((f.rule_id, f.rule_name, f.severity) for f in report.visible())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(str(count)) for _, count in ordered), default=1)
    name_width = max((len(name) for (_, name, _), _ in ordered), default=1)
    lines = []
    for (rule_id, name, severity), count in ordered:
        label = _style(severity.label, report.color, fg=_COLORS[severity])
        lines.append(f"{count:>{width}}  {rule_id:<8} {name:<{name_width}}  {label}")
    return lines


def summary(report: Report) -> str:
    checked = _checked(report.stats)
    suffix = _suppressed_note(report)
    active = report.active()
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


def _checked(stats: RunStats) -> str:
    """`checked 3 files, 5 documents (1 not linted, ...)`."""
    checked = f"checked {stats.files} file{'s' if stats.files != 1 else ''}, {stats.documents} document" + (
        "s" if stats.documents != 1 else ""
    )
    notes = []
    if stats.skipped_files:
        notes.append(f"{stats.skipped_files} not linted")
    if stats.not_kubernetes_files:
        count = stats.not_kubernetes_files
        notes.append(f"skipped {count} non-Kubernetes file{'s' if count != 1 else ''}")
    if stats.not_kubernetes:
        count = stats.not_kubernetes
        notes.append("1 not a Kubernetes object" if count == 1 else f"{count} not Kubernetes objects")
    if notes:
        checked += " (" + ", ".join(notes) + ")"
    return checked


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


def _style(text: str, color: bool, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    return click.style(text, fg=fg, bold=bold or None, dim=dim or None) if color else text
