"""The last stage: what happens to the findings after the rules, in this order. Inline suppressions (and the
suppressions that suppressed nothing, as findings of the rule whose producer they are), the baseline, then
findings about --context objects brought to the files the run reports on, sorted."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from svclint.core.model import Finding
from svclint.core.stats import SuppressionStats
from svclint.engine.evaluate import ActiveRule
from svclint.engine.findings import make_finding
from svclint.filters.relocate import into_run
from svclint.filters.suppress import Directive, apply_suppressions, unused
from svclint.run.reading import FilesRead
from svclint.run.rules import RulePlan


def filter_findings(
    findings: list[Finding], files: FilesRead, plan: RulePlan, baseline: Path | None
) -> tuple[list[Finding], SuppressionStats]:
    stats = SuppressionStats()
    findings = apply_suppressions(findings, files.directives, stats)
    unused_rule = plan.by_producer("suppressions")
    if unused_rule is not None:
        judged = [d for d in files.directives if d.file in files.in_run]
        active_ids = frozenset(a.rule.id for a in plan.active)
        findings.extend(_unused_findings(unused(judged, active_ids), unused_rule))
    if baseline is not None:
        from svclint.filters.baseline import apply_baseline, read_baseline  # hashing, only for runs with a baseline

        findings, stats.baseline = apply_baseline(findings, read_baseline(baseline))
    findings = [into_run(f, files.in_run) for f in findings]
    findings.sort(key=Finding.sort_key)
    return findings, stats


def _unused_findings(problems: Iterable[tuple[Directive, str]], active: ActiveRule) -> Iterable[Finding]:
    for directive, message in problems:
        yield make_finding(
            active.rule,
            active.severity,
            message,
            directive.location,
            directive.origin,
            (directive.text,),
            resource=directive.resource,
        )
