"""The report for $GITHUB_STEP_SUMMARY and pull-request comments: one table per reach, internet first.

Everything in a cell comes from the manifests, which are untrusted: cells are escaped so that a name cannot close
the table, start a link or smuggle HTML into the page that shows it.
"""

from __future__ import annotations

import re

from svclint.exposure.model import Entry, ExposureReport
from svclint.exposure.render_text import summary

CHANGE_LABELS = {"new": "**new**", "gone": "gone", "reach": "reach changed", "renamed": "renamed", "unchanged": ""}
# Markdown's inline punctuation, HTML's `<` and `&`, GitHub's `@mention` and `#reference`.
_SPECIAL = re.compile(r"([\\`*_\[\]#!|<>~&@])")


def cell(text: object) -> str:
    """Text safe inside a GitHub-flavoured Markdown table cell: no line breaks, pipes, markup or mentions."""
    flat = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", flat)


def render(report: ExposureReport) -> str:
    diffing = report.diff_base is not None
    lines = ["## Exposure", "", cell(summary(report)), ""]
    groups = report.grouped()
    if report.gone:
        groups.append(("gone", report.gone))
    for level, entries in groups:
        lines += [f"### {level} ({len(entries)})", ""]
        header = ["Entry", "Service port", "Node port", "Sources", "Workloads", "Findings", "Location"]
        if diffing:
            header.insert(0, "Change")
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += [_row(entry, diffing) for entry in entries]
        lines.append("")
    return "\n".join(lines)


def _row(entry: Entry, diffing: bool) -> str:
    entry_text = entry.via
    if entry.address:
        entry_text += f" {entry.address}{entry.http_path or ''}"
    cells = [
        cell(entry_text),
        cell(entry.target()),
        cell(entry.node_port if entry.node_port is not None else "-"),
        cell(", ".join(entry.reach.sources) or "-"),
        cell(", ".join(w.describe() for w in entry.workloads) or "-"),
        cell(", ".join(entry.rule_ids()) or "-"),
        cell(str(entry.place)),
    ]
    if diffing:
        label = CHANGE_LABELS.get(entry.change or "", "")
        if entry.change == "reach":
            label += f" (was {entry.previous_reach})"
        cells.insert(0, cell(label) if "**" not in label else label)
    return "| " + " | ".join(cells) + " |"
