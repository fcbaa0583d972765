"""Configuration files: discovery, validation with positions, flags over the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import cli

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    nodePort: 20080
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "svc.yaml").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_without_configuration_the_default_range_applies(repo: Path) -> None:
    code, out, _ = invoke("k8s")
    assert code == 1 and "SVC101" in out


def test_svclint_yaml_is_found_from_a_subfolder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".svclint.yaml").write_text("node-port-range: 20000-22767\ndisable: [node-port-for-external-access]\n")
    monkeypatch.chdir(repo / "k8s")
    code, out, _ = invoke("svc.yaml")
    assert code == 0, out
    assert out.startswith("No problems found")


def test_pyproject_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.svclint]\nnode-port-range = "20000-22767"\nfail-on = "never"\n'
    )
    code, out, _ = invoke("k8s")
    assert code == 0 and "SVC101" not in out


def test_flags_override_the_file(repo: Path) -> None:
    (repo / ".svclint.yaml").write_text("node-port-range: 20000-22767\nfail-on: never\n")
    code, out, _ = invoke("--node-port-range", "30000-32767", "--fail-on", "error", "k8s")
    assert code == 1 and "SVC101" in out
    code, out, _ = invoke("--enable", "SVC309", "k8s")
    assert "SVC309" in out


def test_cli_enable_wins_over_configured_disable(repo: Path) -> None:
    (repo / ".svclint.yaml").write_text("disable: [SVC101]\n")
    assert "SVC101" not in invoke("k8s")[1]
    assert "SVC101" in invoke("--enable", "nodeport-out-of-range", "k8s")[1]


def test_explicit_config_and_no_config(repo: Path) -> None:
    (repo / "ci.yaml").write_text("node-port-range: 20000-22767\n")
    (repo / ".svclint.yaml").write_text("fail-on: never\n")
    assert invoke("--config", "ci.yaml", "k8s")[0] == 0
    assert invoke("--no-config", "k8s")[0] == 1


@pytest.mark.parametrize(
    ("content", "where", "fragment"),
    [
        ("node-port-range: 20000-22767\nfail_on: never\n", ".svclint.yaml:2:1:", "unknown key 'fail_on'"),
        ("fail-on: fatal\n", ".svclint.yaml:1:10:", "'fatal' is not one of"),
        ("firewall:\n  require: yes\n  nodes: [a]\n", ".svclint.yaml:3:3:", "unknown key 'nodes'"),
        ("node-port-range: 32767-30000\n", ".svclint.yaml:1:18:", "is not a port range"),
        ("enable: [SVC101, no-such-rule]\n", ".svclint.yaml:1:18:", "unknown rule 'no-such-rule'"),
        ("severity:\n  SVC999: note\n", ".svclint.yaml:2:3:", "unknown rule 'SVC999'"),
        ("node-port-range: [\n", ".svclint.yaml:2:1:", ""),
        ("rules: !!python/object:os.system x\n", ".svclint.yaml:1:8:", "tags"),
    ],
)
def test_bad_configuration_is_exit_2_with_position(repo: Path, content: str, where: str, fragment: str) -> None:
    (repo / ".svclint.yaml").write_text(content)
    code, out, err = invoke("k8s")
    assert code == 2 and out == ""
    assert err.startswith(f"svclint: error: {repo / where}") or err.startswith(f"svclint: error: {where}"), err
    assert fragment in err


def test_bad_pyproject_key_names_its_line(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.svclint]\nfail-on = "never"\n\n[tool.svclint.firewall]\nnodes = 1\n')
    code, _, err = invoke("k8s")
    assert code == 2 and "pyproject.toml:5:1: firewall: unknown key 'nodes'" in err


def test_relative_paths_are_relative_to_the_configuration(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "policy").mkdir()
    (repo / "policy" / "no-nodeport.yaml").write_text(
        "id: ACME001\nname: no-nodeport\ntitle: No NodePort\nseverity: error\ndescription: d\nremediation: r\n"
        "match: {kinds: [Service]}\ngiven: $.spec.type\n"
        "then: {function: forbidden, functionOptions: {values: [NodePort]}}\n"
        "message: NodePort is not allowed here\nexamples: {invalid: [x]}\n"
    )
    (repo / ".svclint.yaml").write_text("rules: [policy]\nexclude: ['*.skip.yaml']\n")
    (repo / "k8s" / "old.skip.yaml").write_text("not: [valid\n")
    monkeypatch.chdir(repo / "k8s")
    code, out, _ = invoke(".")
    assert code == 1
    assert "ACME001 NodePort is not allowed here" in out
    assert "old.skip.yaml" not in out


def test_severity_override(repo: Path) -> None:
    (repo / ".svclint.yaml").write_text("severity:\n  nodeport-out-of-range: warning\n")
    code, out, _ = invoke("k8s")
    assert code == 0 and "warning SVC101" in out
