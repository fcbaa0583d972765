"""Reading files in several processes, and letting go of spans until a finding needs them: neither may change
what a run reports."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from svclint.core.model import Finding
from svclint.inventory.index import Inventory, build_inventory
from svclint.run.pipeline import DEFAULT_COLLABORATORS, Collaborators, lint
from svclint.run.settings import LintSettings

DATA = REPO / "tests" / "data" / "crossref"


def _lint(root: Path, jobs: int, collaborators: Collaborators = DEFAULT_COLLABORATORS) -> list[Finding]:
    settings = LintSettings(paths=[str(root)], jobs=jobs, enable=("SVC205",), use_cache=False)
    return lint(settings, collaborators=collaborators).findings


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    """Twelve copies of the cross-resource corpus (60 files): enough for a pool, with findings across files."""
    root = tmp_path / "repo"
    for index in range(12):
        shutil.copytree(DATA, root / f"copy-{index:02}")
    return root


def test_a_pool_reports_exactly_what_one_process_reports(copies: Path) -> None:
    single = _lint(copies, jobs=1)
    pooled = _lint(copies, jobs=2)
    assert len({f.location.path.split("/")[-3] for f in single}) == 12  # every copy has findings
    assert {f.rule_id for f in single} >= {"SVC201", "SVC202", "SVC203", "SVC204", "SVC206", "SVC208"}
    assert pooled == single  # findings, positions, related locations, messages, in order


def test_a_file_changed_during_the_run_falls_back_to_the_objects_line(tmp_path: Path) -> None:
    """Cross-resource findings read their spans again from the file; if it changed since it was linted, they
    point at the first line of the object rather than at a place that now holds something else."""
    shutil.copytree(DATA, tmp_path / "repo")
    services = tmp_path / "repo" / "app" / "services.yaml"
    expected = [f for f in _lint(tmp_path / "repo", jobs=1) if f.rule_id == "SVC202"]
    assert [f.location.span.start_line for f in expected] == [22, 33, 44]

    def edit_then_build(*args: Any, **kwargs: Any) -> Inventory:
        services.write_text("# edited\n" + services.read_text())
        return build_inventory(*args, **kwargs)

    edited_between_stages = Collaborators(build_inventory=edit_then_build)
    changed = [
        f for f in _lint(tmp_path / "repo", jobs=1, collaborators=edited_between_stages) if f.rule_id == "SVC202"
    ]
    starts = [_document_start(services, f.location.span.start_line - 1) for f in expected]
    assert [(f.location.span.start_line, f.location.span.start_col) for f in changed] == [(s, 1) for s in starts]
    assert [f.message for f in changed] == [f.message for f in expected]


def _document_start(path: Path, line_before_edit: int) -> int:
    """The line (before the edit) of the first key of the document holding `line_before_edit`."""
    lines = path.read_text().splitlines()[1:]  # without the added comment
    start = line_before_edit
    while start > 0 and lines[start - 1] != "---":
        start -= 1
    while lines[start].startswith("#"):
        start += 1
    return start + 1


_KILLING_WORKER = """
import os, signal, sys
import svclint.run.parallel
from svclint.cli import main

real = svclint.run.parallel.process

def process(source, reported, job, stdin=None):
    if source.display.endswith("die.yaml"):
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
    return real(source, reported, job, stdin)

svclint.run.parallel.process = process
main(["lint", "--jobs", "2", "k8s"])
"""


def test_a_killed_worker_ends_the_run_with_exit_2_instead_of_hanging(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    for name in ("a.yaml", "die.yaml", "z.yaml"):
        (tmp_path / "k8s" / name).write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    done = subprocess.run(
        [sys.executable, "-c", _KILLING_WORKER], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "svclint: error: a process reading files died" in done.stderr
    assert "run again with --jobs 1" in done.stderr
    assert "Traceback" not in done.stderr


_WAITING_WORKER = """
import os, sys, time
import svclint.run.parallel
from svclint.run.settings import LintSettings
from svclint.run.pipeline import lint

real = svclint.run.parallel.process
marker = os.path.abspath("seen")

def process(source, reported, job, stdin=None):
    if source.display.endswith("last.yaml"):  # the smallest file: handed out last
        deadline = time.monotonic() + 30
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        print("last file read after another result arrived:", os.path.exists(marker), flush=True)
    return real(source, reported, job, stdin)

def progress(done, total):
    if done < total:
        open(marker, "w").close()

svclint.run.parallel.process = process
lint(LintSettings(paths=["k8s"], jobs=2, use_cache=False), progress=progress)
"""


def test_a_pool_hands_over_each_result_as_it_arrives(tmp_path: Path) -> None:
    """The run settles (and counts, for the progress display) each file a worker returns while the others are
    still being read, rather than holding every worker's result until the last one is in: on a large run that
    held all results at once, unsettled, at the run's peak memory."""
    (tmp_path / "k8s").mkdir()
    config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  padding: '{padding}'\n"
    for number in range(6):
        (tmp_path / "k8s" / f"file{number}.yaml").write_text(config_map.format(name=number, padding="x" * 400))
    (tmp_path / "k8s" / "last.yaml").write_text(config_map.format(name="last", padding=""))
    done = subprocess.run(
        [sys.executable, "-c", _WAITING_WORKER], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "last file read after another result arrived: True\n"
