"""The report for a terminal: one line per entry point, grouped by reach, with its evidence and path below."""

from __future__ import annotations

from svclint.exposure.model import Entry, ExposureReport

CHANGE_MARKS = {"new": "+ ", "gone": "- ", "reach": "~ ", "renamed": "> ", "unchanged": "  "}


def headline(entry: Entry) -> str:
    """`default/web:80/TCP from 0.0.0.0/0, ::/0 -> Deployment default/web (3 replicas)`."""
    where = entry.target()
    if entry.via == "HostPort":
        where = f"{entry.namespace}/{entry.address}:{entry.port}/{entry.protocol}"
    elif entry.via in ("Ingress", "Gateway"):
        where = f"{entry.address or '*'}{entry.http_path or ''} -> {where}"
    elif entry.via == "ExternalIP":
        where = f"{entry.address} -> {where}"
    if entry.node_port is not None:
        where += f" (node port {entry.node_port})"
    sources = f" from {', '.join(entry.reach.sources)}" if entry.reach.sources else ""
    pods = ", ".join(w.describe() for w in entry.workloads) or "no workload in view"
    return f"{where}{sources} -> {pods}"


def render(report: ExposureReport) -> str:
    lines: list[str] = []
    diffing = report.diff_base is not None
    groups = report.grouped()
    if report.gone:
        groups.append(("gone", report.gone))
    for level, entries in groups:
        lines.append(f"{level} ({len(entries)})")
        for entry in entries:
            mark = CHANGE_MARKS.get(entry.change or "", "") if diffing else ""
            lines.append(f"  {mark}{entry.place}: {entry.via} {headline(entry)}")
            if entry.change == "reach":
                lines.append(f"      was {entry.previous_reach}")
            if entry.change == "renamed":
                lines.append(f"      was Service {entry.previous_name}")
            lines.extend(f"      {line}" for line in entry.reach.evidence)
            for rule_id in entry.rule_ids():
                lines.append(f"      finding {rule_id}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: ExposureReport) -> str:
    counts = ", ".join(f"{len(entries)} {level}" for level, entries in report.grouped())
    total = len(report.entries)
    text = f"{total} entry point{'s' * (total != 1)}" + (f": {counts}" if counts else "")
    if report.diff_base is not None:
        changes = [e.change for e in [*report.entries, *report.gone]]
        parts = [f"{changes.count(name)} {name}" for name in ("new", "gone", "reach", "renamed") if changes.count(name)]
        text += f"; against {report.diff_base}: " + (
            ", ".join(parts).replace(" reach", " changed in reach") or "no change"
        )
    return text + "."
