"""A real SARIF consumer: Microsoft's SARIF Multitool, with its SARIF and GitHub rules, finds nothing to fault.

CI installs it with npm (.ci/run); elsewhere set SVCLINT_SARIF_MULTITOOL to its Sarif.Multitool binary, or the
test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli

BUNDLED = REPO / ".ci-node" / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"


def _multitool() -> str | None:
    explicit = os.environ.get("SVCLINT_SARIF_MULTITOOL")
    if explicit:
        return explicit
    return str(BUNDLED) if BUNDLED.is_file() else None


@pytest.mark.skipif(_multitool() is None, reason="the SARIF Multitool is not installed (CI installs it)")
def test_multitool_reports_no_error_and_no_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(REPO / "tests" / "data" / "golden" / "input", tmp_path / "input")
    shutil.copytree(REPO / "tests" / "data" / "crossref", tmp_path / "crossref")
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "svclint.sarif"
    CliRunner().invoke(cli, ["lint", "--no-config", "--enable", "SVC309", "-f", "sarif", "-o", str(log), "."])
    assert json.loads(log.read_text())["runs"][0]["results"]
    output = tmp_path / "validation.sarif"
    multitool = _multitool()
    assert multitool is not None
    proc = subprocess.run(
        [multitool, "validate", "--rule-kind", "Sarif;Gh", "--output", str(output), str(log)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
    )
    assert output.is_file(), proc.stdout + proc.stderr
    results = json.loads(output.read_text())["runs"][0]["results"]
    faults = [(r["ruleId"], r.get("level"), r["message"]) for r in results if r.get("level") in ("error", "warning")]
    assert faults == [], faults
    assert "error" not in {r.get("level") for r in results}
