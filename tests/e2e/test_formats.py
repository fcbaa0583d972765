"""Every format, against a golden file, on one multi-finding example. UPDATE_GOLDEN=1 rewrites the files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli

GOLDEN = REPO / "tests" / "data" / "golden"
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
FORMATS = {"text": "txt", "sarif": "sarif", "json": "json", "github": "github", "gitlab": "gitlab.json"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(GOLDEN / "input", tmp_path / "input")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(fmt: str, root: Path) -> str:
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--format", fmt, "input/"], catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    return result.stdout.replace(root.resolve().as_uri(), "file:///ROOT")


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_matches_golden_file(workdir: Path, fmt: str) -> None:
    output = _run(fmt, workdir)
    golden = GOLDEN / f"expected.{FORMATS[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(output)
    assert output == golden.read_text(), f"{golden.name} differs: run with UPDATE_GOLDEN=1 and review the diff"


def test_sarif_validates_and_keeps_suppressed_findings(workdir: Path) -> None:
    log = json.loads(_run("sarif", workdir))
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1 and suppressed[0]["ruleId"] == "SVC301"
    assert suppressed[0]["suppressions"] == [
        {"kind": "inSource", "justification": "the admin console is public on purpose"}
    ]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["fullDescription"]["text"]
    security = {r["id"]: r["properties"]["security-severity"] for r in rules if "security-severity" in r["properties"]}
    assert security["SVC301"] == "6.5" and security["SVC303"] == "7.5"


CLEAN_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""


@pytest.mark.parametrize("target", ["input/", "clean.yaml"])
def test_sarif_reads_as_the_whole_log_indented_at_once(workdir: Path, target: str) -> None:
    """Results are written one at a time; the log must be exactly the one document indented in one go."""
    (workdir / "clean.yaml").write_text(CLEAN_SERVICE)
    result = CliRunner().invoke(cli, ["lint", "--no-config", "-f", "sarif", target], catch_exceptions=False)
    log = json.loads(result.stdout)
    assert bool(log["runs"][0]["results"]) == (target == "input/")
    assert result.stdout == json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def test_github_commands_are_escaped(workdir: Path) -> None:
    lines = _run("github", workdir).splitlines()
    name_line = next(line for line in lines if "SVC102" in line)
    assert name_line.startswith("::error file=input/services.yaml,line=33,col=9,endLine=33,endColumn=21,title=SVC102")
    assert '"legacy%2C db"' not in name_line.split("::")[1]  # properties escape commas
    assert '::metadata.name "legacy, db"' in name_line  # data keeps them
    related = next(line for line in lines if "SVC201" in line)
    assert "%0A  input/services.yaml:25:3: the selector" in related  # newlines escaped
    assert not any("SVC301" in line for line in lines)  # suppressed


def test_json_shape_is_versioned(workdir: Path) -> None:
    report = json.loads(_run("json", workdir))
    assert report["version"] == 1
    assert report["summary"] == {
        "files": 2, "documents": 5, "errors": 2, "warnings": 3, "notes": 1, "suppressed": 1,
        "suppressedWithoutReason": 0, "baselined": 0,
    }  # fmt: skip
    first = report["findings"][0]
    assert set(first) == {
        "rule", "name", "severity", "message", "path", "line", "column", "endLine", "endColumn", "fingerprint",
        "resource", "fieldPath", "related", "suppressed",
    }  # fmt: skip


def test_gitlab_code_quality_report(workdir: Path) -> None:
    issues = json.loads(_run("gitlab", workdir))
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    assert all(len(i["fingerprint"]) == 32 and i["location"]["path"].startswith("input/") for i in issues)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
