"""Every error a user can fix is a SvclintError carrying its exit code; the command line catches that one class."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NODE_PORT_OUT_OF_RANGE
from svclint.commands.exposure import ExposureError
from svclint.core.errors import EXIT_ERROR, SvclintError
from svclint.engine.ruleset import RuleError
from svclint.exposure.diff import DiffError
from svclint.filters.baseline import BaselineError
from svclint.firewall.sources import FirewallFileError
from svclint.input.sources import SourceError
from svclint.reporters.outputs import OutputError
from svclint.run.config import ConfigFileError
from svclint.run.parallel import WorkerLost
from svclint.run.settings import ConfigError

USER_ERRORS = [
    BaselineError, ConfigError, ConfigFileError, DiffError, ExposureError, FirewallFileError, OutputError,
    RuleError, SourceError, WorkerLost,
]  # fmt: skip


@pytest.mark.parametrize("error", USER_ERRORS)
def test_each_error_a_user_can_fix_is_a_svclint_error_ending_the_run_with_exit_2(error: type[Exception]) -> None:
    assert issubclass(error, SvclintError)
    assert error.exit_code == EXIT_ERROR


def test_rule_errors_are_told_one_problem_a_line() -> None:
    error = RuleError(["a.yaml:1:1: first", "b.yaml:2:3: second"])
    assert (error.label, error.messages()) == ("rule error", ["a.yaml:1:1: first", "b.yaml:2:3: second"])


def _svclint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "svclint", *args], cwd=cwd, capture_output=True, text=True)


def test_a_damaged_baseline_is_an_error_for_every_command_that_reads_one(tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(NODE_PORT_OUT_OF_RANGE)
    (tmp_path / "baseline.json").write_text("{not json")
    for command in ("lint", "exposure"):
        proc = _svclint(command, "--baseline", "baseline.json", "svc.yaml", cwd=tmp_path)
        assert proc.returncode == 2, command
        assert proc.stderr.startswith("svclint: error: "), proc.stderr
        assert "baseline.json" in proc.stderr and "internal error" not in proc.stderr


def test_a_bad_rule_file_is_told_as_a_rule_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yaml").write_text("id: X001\n")
    (tmp_path / "svc.yaml").write_text(NODE_PORT_OUT_OF_RANGE)
    for args in (("lint", "--rules", "rules", "svc.yaml"), ("check-rules", "rules"), ("rules", "--rules", "rules")):
        proc = _svclint(*args, cwd=tmp_path)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith("svclint: rule error: rules/x.yaml:1:1: "), (args, proc.stderr)
