"""What every reporter receives."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from msgspec import Struct, field

from svclint.core.model import Finding, Severity
from svclint.core.project import project_root
from svclint.core.rules import ReportedRule
from svclint.core.stats import RunStats, SuppressionStats
from svclint.k8s.versions import NEWEST, version_text
from svclint.reporters.source import SourceLines


class Report(Struct):
    findings: list[Finding]
    rules: Sequence[ReportedRule]
    stats: RunStats
    # What report paths are relative to (SARIF %SRCROOT%): the repository holding the working directory.
    root: Path = field(default_factory=lambda: project_root(os.getcwd()))
    color: bool = False
    show_suppressed: bool = False
    suppressions: SuppressionStats = field(default_factory=SuppressionStats)
    quiet: bool = False  # text: the findings only, no summary line
    show_source: bool = False  # text: each finding's source line with a caret under its span
    statistics: bool = False  # text: counts per rule instead of the findings
    omit_suppressed: bool = False  # sarif: leave suppressed and baselined results out (code scanning)
    fail_level: Severity | None = Severity.ERROR  # None: nothing fails the run (--fail-on never)
    sources: SourceLines = field(default_factory=SourceLines)  # the files' lines, for source lines and columns
    kube_version: str = version_text(NEWEST)  # the Kubernetes version the run judged against (--kube-version)

    def visible(self) -> list[Finding]:
        if self.show_suppressed:
            return self.findings
        return [f for f in self.findings if f.suppression is None]

    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.suppression is None]

    def failing(self) -> list[Finding]:
        level = self.fail_level
        return [] if level is None else [f for f in self.active() if f.severity >= level]
