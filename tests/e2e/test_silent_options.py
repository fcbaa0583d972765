"""Options and paths that would otherwise do nothing, silently, and the summary line's wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli

NODEPORT = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n"
CLOSED = [
    {"name": "https", "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}], "sourceRanges": ["0.0.0.0/0"],
     "direction": "INGRESS", "priority": 1000},
]  # fmt: skip


def _lint(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--no-cache", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_firewall_rules_given_are_checked(workdir: Path) -> None:
    (workdir / "rules.json").write_text(json.dumps(CLOSED))
    (workdir / "svc.yaml").write_text(NODEPORT)
    _, out, _ = _lint("--firewall-rules", "rules.json", "svc.yaml")
    assert "SVC402" in out  # no rule opens the node-port range the Service's port gets a port from


def test_firewall_rules_in_the_configuration_are_checked(workdir: Path) -> None:
    (workdir / "rules.json").write_text(json.dumps(CLOSED))
    (workdir / "svc.yaml").write_text(NODEPORT)
    (workdir / ".svclint.yaml").write_text("firewall:\n  rules-files: [rules.json]\n")
    assert "SVC402" in _lint("svc.yaml")[1]


def test_an_explicit_require_false_wins_and_says_so(workdir: Path) -> None:
    (workdir / "rules.json").write_text(json.dumps(CLOSED))
    (workdir / "svc.yaml").write_text(NODEPORT)
    (workdir / ".svclint.yaml").write_text("firewall:\n  require: false\n")
    _, out, err = _lint("--firewall-rules", "rules.json", "svc.yaml")
    assert "SVC40" not in out
    assert "firewall rules are read but not checked" in err


def test_a_folder_without_yaml_says_so(workdir: Path) -> None:
    (workdir / "charts").mkdir()
    (workdir / "charts" / "README.md").write_text("no manifests here\n")
    code, out, err = _lint("charts")
    assert code == 0
    assert "checked 0 files" in out
    assert err == "svclint: warning: charts: no YAML files (*.yaml, *.yml) to check outside the excluded ones\n"


def test_stdin_filename_without_stdin_is_a_usage_error(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, _, err = _lint("--stdin-filename", "k8s/svc.yaml", "svc.yaml")
    assert code == 2
    assert "--stdin-filename" in err and "'-'" in err
    code, out, _ = _lint("--stdin-filename", "k8s/svc.yaml", "-", input=NODEPORT)
    assert code == 0 and out.startswith("k8s/svc.yaml:")


def test_summary_wording(workdir: Path) -> None:
    (workdir / "values.yaml").write_text("replicaCount: 1\n")
    (workdir / "svc.yaml").write_text(NODEPORT.replace("name: web}", "name: web, annotations: {x: y}}"))
    _, out, _ = _lint("--disable", "SVC308", "--show-suppressed", "values.yaml", "svc.yaml")
    assert "(skipped 1 non-Kubernetes file)" in out
    (workdir / "svc.yaml").write_text(NODEPORT.replace("  type:", "  # svclint: ignore[SVC308] we know\n  type:"))
    _, out, _ = _lint("--show-suppressed", "svc.yaml")
    assert out.splitlines()[-1] == "No problems found; checked 1 file, 1 document; 1 suppressed."
    _, out, _ = _lint("svc.yaml")
    assert out.splitlines()[-1].endswith("; 1 suppressed (hidden: --show-suppressed shows them).")


def test_repository_examples_still_read_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = _lint("examples")
    assert code == 0 and err == ""
