"""The run's stages do their work through the collaborators they are given: how rules load, how files are read,
how each view's inventory is built."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from conftest import builtin_rules
from svclint.engine.ruleset import Rule
from svclint.input.sources import Source
from svclint.inventory.index import Inventory, build_inventory
from svclint.run.filework import FileJob, FileResult
from svclint.run.parallel import Progress, run_files
from svclint.run.pipeline import Collaborators, lint
from svclint.run.settings import LintSettings

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
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
  namespace: shop
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
        image: example/web:1.0
        ports:
        - containerPort: 8080
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "service.yaml").write_text(SERVICE)
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_files_are_read_by_the_reader_given_and_the_views_indexed_by_the_builder_given(tree: Path) -> None:
    read: list[tuple[str, bool]] = []
    indexed: list[list[str]] = []

    def reader(
        work: Sequence[tuple[Source, bool]], job: FileJob, jobs: int, progress: Progress | None
    ) -> list[FileResult]:
        read.extend((source.display, reported) for source, reported in work)
        return run_files(work, job, jobs, progress)

    def builder(resources: Sequence[Any], **options: Any) -> Inventory:
        indexed.append(sorted(f"{r.kind}/{r.name}" for r in resources))
        return build_inventory(resources, **options)

    settings = LintSettings(paths=["service.yaml"], context=["deployment.yaml"], use_cache=False)
    result = lint(settings, builtin_rules(), collaborators=Collaborators(read_files=reader, build_inventory=builder))

    assert read == [("service.yaml", True), ("deployment.yaml", False)]
    assert indexed == [["Deployment/web", "Service/web"]]
    assert [f.rule_id for f in result.findings] == []


def test_rules_come_from_the_loader_given_when_the_caller_passes_none(tree: Path) -> None:
    asked: list[LintSettings] = []

    def loader(settings: LintSettings) -> list[Rule]:
        asked.append(settings)
        return [rule for rule in builtin_rules() if rule.id == "SVC202"]

    settings = LintSettings(paths=["service.yaml"], use_cache=False)
    result = lint(settings, collaborators=Collaborators(load_rules=loader))

    assert asked == [settings]
    assert [active.rule.id for active in result.rules] == ["SVC202"]
