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


def _try_repo(project: Path, offline_pip: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    """The real pre-commit running this repository's hook on `files` of `project` (no files: all of them)."""
    env = {
        **os.environ,
        **offline_pip,
        "PRE_COMMIT_HOME": str(project.parent / "pre-commit-home"),
        "SVCLINT_CACHE_DIR": str(project.parent / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    selection = ["--files", *files] if files else ["--all-files"]
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "svclint", *selection]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    for name, text in files.items():
        (project / name).write_text(text)
    _git(project, "add", ".")
    return project


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_on_clean_and_failing_manifests(tmp_path: Path, offline_pip: dict[str, str]) -> None:
    project = _project(tmp_path, {"good.yaml": GOOD, "bad.yaml": BAD})

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return _try_repo(project, offline_pip, *files)

    clean = try_repo("good.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "svclint" in clean.stdout and "Passed" in clean.stdout

    failing = try_repo("good.yaml", "bad.yaml")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "Failed" in failing.stdout
    assert "bad.yaml:45:15: error SVC101 spec.ports[0].nodePort 29999 is outside" in failing.stdout
    assert "good.yaml" not in failing.stdout.split("Failed", 1)[1].split("SVC101")[0]


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_a_file_named_like_an_option_is_linted_as_a_file(tmp_path: Path, offline_pip: dict[str, str]) -> None:
    # Without `--` ending the options, this name would write a baseline and turn the hook green.
    project = _project(tmp_path, {"--write-baseline=.yaml": BAD})
    done = _try_repo(project, offline_pip)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "--write-baseline=.yaml:45:15: error SVC101" in done.stdout
    assert not (project / ".yaml").exists()


def test_hook_manifest_declares_what_users_rely_on() -> None:
    import yaml

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "svclint" and hook["language"] == "python"
    assert hook["require_serial"] is True
    # pre-commit runs `entry + args + files`; `--` as the default args ends the options before the files, and users
    # who set their own args can still pass options (a `--` in the entry would turn them into file names).
    assert hook["entry"] == "svclint lint"
    assert hook["args"] == ["--"]
    assert "yaml" in hook["types_or"]


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 8080
"""


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_partial_commit_that_relabels_a_deployment_catches_the_service_it_breaks(
    tmp_path: Path, offline_pip: dict[str, str]
) -> None:
    project = tmp_path / "project"
    (project / "k8s").mkdir(parents=True)
    _git(project, "init", "-q")
    (project / ".svclint.yaml").write_text("context: [k8s/]\nfail-on: warning\n")
    (project / "k8s" / "web.yaml").write_text(SERVICE)
    (project / "k8s" / "deploy.yaml").write_text(DEPLOYMENT)
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
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "web")

    def try_repo() -> subprocess.CompletedProcess[str]:
        # No --files: pre-commit checks what is staged, as in `git commit`.
        command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "svclint"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)

    # Only the Deployment changes: its pods are relabelled, and the Service's selector now matches nothing.
    (project / "k8s" / "deploy.yaml").write_text(DEPLOYMENT.replace("app: web", "app: web-v2"))
    _git(project, "add", "k8s/deploy.yaml")
    failing = try_repo()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    report = failing.stdout.split("Failed", 1)[1]
    assert "k8s/deploy.yaml:12:14: warning SVC202 Service default/web: spec.selector (app=web) matches no pod" in report
    assert "    k8s/web.yaml:6:3: Service default/web: spec.selector: reported here when the whole" in report
    assert "checked 1 file, 1 document." in report

    # Relabelling the Service in the same commit keeps them together.
    (project / "k8s" / "web.yaml").write_text(SERVICE.replace("app: web", "app: web-v2"))
    _git(project, "add", "k8s/web.yaml")
    passing = try_repo()
    assert passing.returncode == 0, passing.stdout + passing.stderr


def _hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding this working tree as it is now (committed or not), and its commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    shadow = tmp_path / "hook-repository"
    for name in filter(None, (raw.decode() for raw in listed)):
        source = REPO / name
        if name.startswith("tests/") or not source.is_file():
            continue
        (shadow / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, shadow / name)
    _git(shadow, "init", "-q")
    _git(shadow, "add", ".")
    _git(shadow, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "hook")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=shadow, capture_output=True, text=True, check=True)
    return shadow, head.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_a_configured_hook_takes_the_users_args_with_and_without_the_closing_dashes(
    tmp_path: Path, offline_pip: dict[str, str]
) -> None:
    hook_repository, rev = _hook_repository(tmp_path)
    project = tmp_path / "project"
    (project / "k8s").mkdir(parents=True)
    _git(project, "init", "-q")
    (project / "k8s" / "web.yaml").write_text(SERVICE)
    (project / "k8s" / "deploy.yaml").write_text(DEPLOYMENT.replace("app: web", "app: web-v2"))
    env = {
        **os.environ,
        **offline_pip,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "SVCLINT_CACHE_DIR": str(tmp_path / "cache"),
    }

    def run_hook(args: str, file: str) -> subprocess.CompletedProcess[str]:
        config = f"repos:\n  - repo: {hook_repository}\n    rev: {rev}\n    hooks:\n      - id: svclint\n"
        (project / ".pre-commit-config.yaml").write_text(config + f"        args: {args}\n")
        _git(project, "add", ".")
        # `--files=NAME`: pre-commit's own parser would take a bare `--fail-on=never.yaml` as its option.
        command = [sys.executable, "-m", "pre_commit", "run", f"--files={file}"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False)

    expected = "k8s/deploy.yaml:12:14: warning SVC202 Service default/web: spec.selector (app=web) matches no pod"
    # The recipe of docs/pre-commit.md, and the same options without `--`: both are options, not file names.
    for args in ("[--context, k8s/, --fail-on, warning, --]", "[--context, k8s/, --fail-on, warning]"):
        done = run_hook(args, "k8s/deploy.yaml")
        assert done.returncode == 1, done.stdout + done.stderr
        assert expected in done.stdout, done.stdout
        assert "checked 1 file, 1 document." in done.stdout

    # Without `--`, a committed file named like an option cannot turn the hook green: it is refused.
    (project / "--fail-on=never.yaml").write_text(BAD)
    tricked = run_hook("[--context, k8s/]", "--fail-on=never.yaml")
    assert tricked.returncode == 1, tricked.stdout + tricked.stderr
    assert "'--fail-on=never.yaml' is read as an option, but a file of that name exists" in tricked.stdout
    # With `--`, it is a file like any other.
    linted = run_hook("[--context, k8s/, --]", "--fail-on=never.yaml")
    assert linted.returncode == 1, linted.stdout + linted.stderr
    assert "--fail-on=never.yaml:45:15: error SVC101" in linted.stdout
