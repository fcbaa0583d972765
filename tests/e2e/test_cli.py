"""The command line as users and scripts see it: formats, exit codes, stdin, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli

SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())

NODEPORT_29999 = """\
apiVersion: v1
kind: Service
metadata:
  name: kubia-nodeport
spec:
  type: NodePort
  ports:
  - port: 80
    targetPort: 8080
    nodePort: 29999
  selector:
    app: kubia
"""


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    # The NodePort advice (SVC308) would add a note to every NodePort example here.
    if args and args[0] == "lint":
        args = ("lint", "--disable", "SVC308", *args[1:])
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_examples_directory_has_no_errors_or_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = invoke("lint", "--fail-on", "warning", "examples/")
    assert code == 0, out
    assert "(1 note)" in out.splitlines()[-1]


def test_text_format_line_and_exit_code(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, _ = invoke("lint", "svc.yaml")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("svc.yaml:10:15: error SVC101 spec.ports[0].nodePort 29999 is outside")
    assert out.splitlines()[-1].startswith("Found 1 problem (1 error) in 1 file")


def test_sarif_region_starts_at_the_value(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, _ = invoke("lint", "--format", "sarif", "svc.yaml")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft7Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    (result,) = run["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "svc.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 10, "startColumn": 15, "endLine": 10, "endColumn": 20}
    assert result["ruleId"] == "SVC101"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "SVC101"
    assert run["columnKind"] == "utf16CodeUnits"
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == "default/Service/kubia-nodeport"
    assert len(result["partialFingerprints"]["svclint/v1"]) == 32


def test_sarif_fingerprints_survive_moved_lines(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    before = json.loads(invoke("lint", "-f", "sarif", "svc.yaml")[1])
    (workdir / "svc.yaml").write_text("# a new comment\n# and another\n" + NODEPORT_29999)
    after = json.loads(invoke("lint", "-f", "sarif", "svc.yaml")[1])
    first, second = before["runs"][0]["results"][0], after["runs"][0]["results"][0]
    assert first["partialFingerprints"] == second["partialFingerprints"]
    assert second["locations"][0]["physicalLocation"]["region"]["startLine"] == 12


def test_output_file(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, _ = invoke("lint", "-f", "sarif", "-o", "report.sarif", "svc.yaml")
    assert code == 1 and out == ""
    assert json.loads((workdir / "report.sarif").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on(workdir: Path, fail_on: str, expected: int) -> None:
    (workdir / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n"
        "  externalTrafficPolicy: Local\n  selector: {app: nope}\n  ports: [{port: 80}]\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n"
        "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i}]}\n"
    )
    code, out, _ = invoke("lint", "--fail-on", fail_on, "svc.yaml")
    assert "warning SVC201" in out
    assert code == expected


def test_never_fails_even_with_errors(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    assert invoke("lint", "--fail-on", "never", "svc.yaml")[0] == 0


def test_node_port_range_flag(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, _ = invoke("lint", "--node-port-range", "20000-29999", "svc.yaml")
    assert code == 0, out
    code, _, err = invoke("lint", "--node-port-range", "32767-30000", "svc.yaml")
    assert code == 2 and "--node-port-range" in err


def test_stdin_with_filename(workdir: Path) -> None:
    code, out, _ = invoke("lint", "--stdin-filename", "chart/svc.yaml", "-", input=NODEPORT_29999)
    assert code == 1
    assert out.startswith("chart/svc.yaml:10:15: error SVC101")


def test_missing_path_is_exit_2_with_one_line(workdir: Path) -> None:
    code, out, err = invoke("lint", "nope.yaml")
    assert code == 2 and out == ""
    assert err.strip() == "svclint: error: nope.yaml: no such file or directory"


def test_unknown_rule_is_exit_2(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, _, err = invoke("lint", "--disable", "SVC999", "svc.yaml")
    assert code == 2 and "unknown rule 'SVC999'" in err


def test_disable_by_name(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    assert invoke("lint", "--disable", "nodeport-out-of-range", "svc.yaml")[0] == 0


def test_directory_walk_is_recursive_and_sorted(workdir: Path) -> None:
    (workdir / "b").mkdir()
    (workdir / "a" / "deep").mkdir(parents=True)
    (workdir / "b" / "svc.yml").write_text(NODEPORT_29999)
    (workdir / "a" / "deep" / "svc.yaml").write_text(NODEPORT_29999)
    (workdir / "a" / "notes.txt").write_text("not yaml: [")
    code, out, _ = invoke("lint", ".")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines()[:2]] == ["a/deep/svc.yaml", "b/svc.yml"]


def test_rules_and_explain_agree(workdir: Path) -> None:
    code, out, _ = invoke("rules")
    assert code == 0
    assert any(line.split()[:3] == ["SVC101", "nodeport-out-of-range", "error"] for line in out.splitlines())
    code, page, _ = invoke("explain", "nodeport-out-of-range")
    assert code == 0 and page.startswith("# SVC101: nodeport-out-of-range")
    assert invoke("explain", "SVC101")[1] == page
    assert invoke("explain", "nope")[0] == 2


def test_user_rule_directory(workdir: Path) -> None:
    rules = workdir / "my-rules"
    rules.mkdir()
    (rules / "port-80.yaml").write_text(
        "id: ACME001\nname: no-port-80\ntitle: Port 80 is not allowed here\nseverity: warning\n"
        "description: Plain HTTP is not allowed.\nremediation: Serve TLS on 443.\n"
        "match: {kinds: [Service]}\ngiven: $.spec.ports[*].port\n"
        "then: {function: inRange, functionOptions: {min: 81}}\nmessage: port {{value}} is below {{min}}\n"
        "examples:\n  invalid: ['x']\n"
    )
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, _ = invoke("lint", "--rules", "my-rules", "svc.yaml")
    assert code == 1  # SVC101 (error) on the same Service
    assert "svc.yaml:8:11: warning ACME001 port 80 is below 81" in out


def test_bad_rule_file_is_exit_2_with_position(workdir: Path) -> None:
    rules = workdir / "my-rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        "id: ACME001\nname: no-port-80\ntitle: t\nseverity: fatal\ndescription: d\nremediation: r\n"
        "match: {kinds: [Service]}\ngiven: $.spec.ports[*].port\nthen: {function: inRange}\nmessage: m\n"
        "examples: {invalid: [x]}\n"
    )
    (workdir / "svc.yaml").write_text(NODEPORT_29999)
    code, out, err = invoke("lint", "--rules", "my-rules", "svc.yaml")
    assert code == 2 and out == ""
    assert "my-rules/bad.yaml:4:11: severity: 'fatal' is not one of ['error', 'warning', 'note']" in err


def test_no_traceback_for_unexpected_errors_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "SVCLINT_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "svclint", "lint", "--format", "text", "-"],
        input=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01\xff\xfe garbage",
        capture_output=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert b"Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert b"stdin:1:1: error SVC005" in proc.stdout


def test_version() -> None:
    from svclint import __version__

    assert invoke("--version")[1].strip() == f"svclint {__version__}"


@pytest.mark.parametrize("name", ["--fail-on=never.yaml", "--write-baseline=.yaml", "-q"])
def test_an_option_that_names_a_file_is_refused_unless_after_dashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from svclint.cli import main

    bad = (REPO / "examples" / "kubia.yaml").read_text().replace("nodePort: 30123", "nodePort: 29999")
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(bad)
    with pytest.raises(SystemExit) as refused:
        main([name])
    assert refused.value.code == 2
    assert f"{name!r} is read as an option, but a file of that name exists" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written

    with pytest.raises(SystemExit) as linted:
        main(["lint", "--", name])
    assert linted.value.code == 1
    assert f"{name}:45:15: error SVC101" in capsys.readouterr().out
