from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from svclint.core.model import Finding
from svclint.engine.params import parse_port_range
from svclint.engine.ruleset import Rule
from svclint.run.pipeline import RunResult, lint
from svclint.run.rules import load_all_rules
from svclint.run.settings import LintSettings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

# A one-Service manifest with exactly one error (SVC101 at 11:15), for tests about exit codes and reports.
NODE_PORT_OUT_OF_RANGE = """\
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
    nodePort: 29999
"""

_RULES: list[Rule] | None = None


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory for the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def builtin_rules() -> list[Rule]:
    global _RULES
    if _RULES is None:
        _RULES = load_all_rules(LintSettings(paths=(), use_cache=False))
    return _RULES


def run_files(
    tmp_path: Path,
    files: Mapping[str, str | bytes],
    paths: Sequence[str] | None = None,
    **settings: Any,
) -> RunResult:
    """Write `files` under tmp_path, lint `paths` (default: all of them) from inside tmp_path."""
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if "node_port_range" in settings and isinstance(settings["node_port_range"], str):
        settings["node_port_range"] = parse_port_range(settings["node_port_range"])
    rules = settings.pop("rules", None)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        return lint(LintSettings(paths=list(paths or files), use_cache=False, **settings), rules or builtin_rules())


def run_text(tmp_path: Path, text: str, name: str = "manifest.yaml", **settings: Any) -> list[Finding]:
    return run_files(tmp_path, {name: text}, **settings).findings


def by_rule(findings: Sequence[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if rule in (f.rule_id, f.rule_name)]


def lines_of(findings: Sequence[Finding]) -> list[int]:
    return [f.location.span.start_line for f in findings]


def places(findings: Sequence[Finding]) -> list[tuple[str, int, int]]:
    """(file, line, column) where each finding starts."""
    return [(f.location.path, f.location.span.start_line, f.location.span.start_col) for f in findings]


@pytest.fixture(autouse=True)
def _no_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("SVCLINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def svclint(*args: str, cwd: Path, timeout: float = 60, **popen: Any) -> subprocess.CompletedProcess[bytes]:
    """`svclint lint ARGS` in a process of its own, with a cache of its own."""
    env = {**os.environ, "SVCLINT_CACHE_DIR": str(cwd / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "svclint", "lint", *args],
        cwd=cwd,
        env=env,
        capture_output=popen.pop("capture_output", True),
        timeout=timeout,
        check=False,
        **popen,
    )


def custom_rule_text(rule_id: str, then: str, given: str = "$.spec") -> str:
    """A minimal rule file for Services whose `then:` block is `then` (indented lines), with one example each."""
    return (
        f"id: {rule_id}\nname: {rule_id.lower()}\ntitle: {rule_id}\nseverity: warning\n"
        "description: A rule written for a test.\nremediation: None.\nmatch:\n  kinds: [Service]\n"
        f"given: {given}\nthen:\n{then}message: reported\nexamples:\n"
        "  invalid:\n    - |\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: web   # <-\n"
        "  valid:\n    - |\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: web\n"
    )
