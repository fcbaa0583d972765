"""The real pre-commit runs the hook this repository declares, on a clean and on a failing manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from wheelhouse import build, runtime_requirements

from conftest import REPO

GOOD = (REPO / "examples" / "kubia.yaml").read_text()
BAD = GOOD.replace("nodePort: 30123", "nodePort: 29999")


@pytest.fixture(scope="module")
def offline_pip(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """pip options that install svclint's dependencies and build backend from local wheels only."""
    wheels = build(tmp_path_factory.mktemp("wheels"), [*runtime_requirements("svclint"), "hatchling"])
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_on_clean_and_failing_manifests(tmp_path: Path, offline_pip: dict[str, str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (project / "good.yaml").write_text(GOOD)
    (project / "bad.yaml").write_text(BAD)
    _git(project, "add", ".")
    env = {
        **os.environ,
        **offline_pip,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "SVCLINT_CACHE_DIR": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "svclint", "--files", *files]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)

    clean = try_repo("good.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "svclint" in clean.stdout and "Passed" in clean.stdout

    failing = try_repo("good.yaml", "bad.yaml")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "bad.yaml:45:15: error SVC101 spec.ports[0].nodePort 29999 is outside" in failing.stdout
    assert "good.yaml" not in failing.stdout.split("Failed", 1)[1].split("SVC101")[0]


def test_hook_manifest_declares_what_users_rely_on() -> None:
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "svclint" and hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook["entry"] == "svclint lint"
    assert "yaml" in hook["types_or"]
