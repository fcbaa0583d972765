"""What every reporter receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from svclint.engine.evaluate import ActiveRule
from svclint.model import Finding
from svclint.run import RunStats
from svclint.suppress import SuppressionStats


@dataclass
class Report:
    findings: list[Finding]
    rules: list[ActiveRule]
    stats: RunStats
    root: Path = field(default_factory=Path.cwd)  # what relative paths are relative to (SARIF %SRCROOT%)
    color: bool = False
    show_suppressed: bool = False
    suppressions: SuppressionStats = field(default_factory=SuppressionStats)

    def visible(self) -> list[Finding]:
        if self.show_suppressed:
            return self.findings
        return [f for f in self.findings if f.suppression is None]
