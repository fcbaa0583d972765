"""What a run leaves out: `exclude` for walked and named files alike (force-exclude), and `.gitignore`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli

SERVICE = (REPO / "examples" / "kubia.yaml").read_text()
BROKEN = SERVICE.replace("nodePort: 30123", "nodePort: 29999")  # SVC101, an error


def _lint(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--no-cache", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Git repository (only .git's presence matters to .gitignore) with the working directory at its root."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exclude_applies_to_files_named_on_the_command_line(repo: Path) -> None:
    _write(repo, {".svclint.yaml": "exclude: ['generated/*']\n", "generated/svc.yaml": BROKEN})
    code, out, err = _lint("generated/svc.yaml")
    assert code == 0, out
    assert "checked 0 files" in out
    assert "every file named is excluded" in err


def test_exclude_matches_a_folder_on_the_named_path(repo: Path) -> None:
    _write(repo, {".svclint.yaml": "exclude: [vendor]\n", "deploy/vendor/chart/svc.yaml": BROKEN})
    assert _lint("deploy/vendor/chart/svc.yaml")[0] == 0
    assert _lint("./deploy/vendor/chart/svc.yaml")[0] == 0


@pytest.mark.parametrize("opt_out", [["--no-force-exclude"], ["--config", "off.yaml"]])
def test_force_exclude_can_be_turned_off(repo: Path, opt_out: list[str]) -> None:
    _write(
        repo,
        {
            ".svclint.yaml": "exclude: ['generated/*']\n",
            "off.yaml": "exclude: ['generated/*']\nforce-exclude: false\n",
            "generated/svc.yaml": BROKEN,
        },
    )
    code, out, _ = _lint(*opt_out, "generated/svc.yaml")
    assert code == 1 and "generated/svc.yaml:45:15: error SVC101" in out
    # the walk still skips it
    assert _lint(*opt_out, ".")[0] == 0


def test_walks_honour_gitignore_files_at_every_level(repo: Path) -> None:
    _write(
        repo,
        {
            ".gitignore": "build/\nk8s/rendered-*.yaml\n",
            "build/svc.yaml": BROKEN,
            "k8s/rendered-prod.yaml": BROKEN,
            "k8s/svc.yaml": SERVICE,
            "k8s/tmp/.gitignore": "*.yaml\n!kept.yaml\n",
            "k8s/tmp/scratch.yaml": BROKEN,
            "k8s/tmp/kept.yaml": SERVICE.replace("kubia", "kept").replace("30123", "30124"),
        },
    )
    code, out, _ = _lint("--disable", "SVC308", ".")
    assert code == 0, out
    assert "checked 2 files" in out
    code, out, _ = _lint("--no-respect-gitignore", ".")
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines() if "SVC101" in line} == {
        "build/svc.yaml",
        "k8s/rendered-prod.yaml",
        "k8s/tmp/scratch.yaml",
    }
    _write(repo, {"quiet.yaml": "respect-gitignore: false\n"})
    assert _lint("--config", "quiet.yaml", ".")[0] == 1


def test_gitignore_outside_a_repository_means_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {".gitignore": "*.yaml\n", "svc.yaml": BROKEN})
    assert _lint(".")[0] == 1


def test_a_named_folder_is_walked_even_when_ignored(repo: Path) -> None:
    _write(repo, {".gitignore": "build/\n", "build/svc.yaml": BROKEN})
    code, out, _ = _lint("build")
    assert code == 1 and "build/svc.yaml:45:15" in out
    assert _lint(".")[0] == 0


def test_named_files_are_linted_even_when_ignored(repo: Path) -> None:
    _write(repo, {".gitignore": "*.yaml\n", "svc.yaml": BROKEN})
    assert _lint("svc.yaml")[0] == 1


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_what_git_ignores_is_what_svclint_skips(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    _write(
        repo,
        {
            ".gitignore": "*.out.yaml\n/top.yaml\ncache/\n",
            "a/.gitignore": "!keep.out.yaml\n",
            "a/keep.out.yaml": SERVICE,
            "a/drop.out.yaml": SERVICE,
            "a/top.yaml": SERVICE,
            "top.yaml": SERVICE,
            "cache/svc.yaml": SERVICE,
            "svc.yaml": SERVICE,
        },
    )
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("svc.yaml\n")
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "*.yaml"], cwd=repo, check=True, capture_output=True
    )
    expected = sorted(listed.stdout.decode().split())
    result = CliRunner().invoke(cli, ["lint", "--no-cache", "-f", "json", "."])
    # kubia.yaml always has a finding, so the files with findings are the files linted
    assert {finding["path"] for finding in json.loads(result.stdout)["findings"]} == set(expected)
    assert expected == ["a/keep.out.yaml", "a/top.yaml"]


def test_tool_configuration_files_are_not_linted_as_manifests(repo: Path) -> None:
    _write(
        repo,
        {
            ".svclint.yaml": "fail-on: error\n",
            ".pre-commit-config.yaml": "repos: []\n",
            "svc.yaml": SERVICE,
        },
    )
    code, out, _ = _lint("--disable", "SVC308", ".")
    assert code == 0 and "checked 1 file, 4 documents." in out
    # pre-commit names them when they change
    code, out, _ = _lint("--disable", "SVC308", ".svclint.yaml", ".pre-commit-config.yaml", "svc.yaml")
    assert "checked 1 file, 4 documents." in out
