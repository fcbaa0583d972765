"""Adopting svclint with a baseline: existing findings are recorded, new ones fail the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import cli

OLD = """\
apiVersion: v1
kind: Service
metadata:
  name: legacy
spec:
  type: NodePort
  selector:
    app: legacy
  ports:
  - port: 80
    nodePort: 29999
"""
NEW = OLD.replace("legacy", "fresh").replace("29999", "29998")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--disable", "SVC308", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_adopt_with_a_baseline_then_fail_on_new_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "legacy.yaml").write_text(OLD)
    assert invoke("k8s")[0] == 1  # the existing violation

    code, _, err = invoke("--write-baseline", "svclint-baseline.json", "k8s")
    assert code == 0 and "wrote 1 findings" in err
    recorded = json.loads((tmp_path / "svclint-baseline.json").read_text())
    assert recorded["version"] == 1 and [f["rule"] for f in recorded["findings"]] == ["SVC101"]

    code, out, _ = invoke("--baseline", "svclint-baseline.json", "k8s")
    assert code == 0 and "1 suppressed (1 by the baseline" in out

    # moving lines does not break the baseline
    (tmp_path / "k8s" / "legacy.yaml").write_text("# a comment\n# and another\n\n" + OLD)
    assert invoke("--baseline", "svclint-baseline.json", "k8s")[0] == 0

    # a new violation fails, and only it is reported
    (tmp_path / "k8s" / "fresh.yaml").write_text(NEW)
    code, out, _ = invoke("--baseline", "svclint-baseline.json", "k8s")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines() if " SVC101 " in line] == ["k8s/fresh.yaml"]


def test_baseline_in_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "legacy.yaml").write_text(OLD)
    invoke("--write-baseline", "baseline.json", "legacy.yaml")
    (tmp_path / ".svclint.yaml").write_text("baseline: baseline.json\ndisable: [SVC308]\n")
    result = CliRunner().invoke(cli, ["lint", "legacy.yaml"])
    assert result.exit_code == 0


def test_the_same_finding_twice_needs_two_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(OLD)
    invoke("--write-baseline", "b.json", "svc.yaml")
    (tmp_path / "svc.yaml").write_text(OLD + "---\n" + OLD)  # the same object twice: a second, identical finding
    assert invoke("--baseline", "b.json", "svc.yaml")[0] == 1


def test_unreadable_baseline_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(OLD)
    (tmp_path / "b.json").write_text("{oops")
    code, _, err = invoke("--baseline", "b.json", "svc.yaml")
    assert code == 2 and "b.json: not a baseline" in err
