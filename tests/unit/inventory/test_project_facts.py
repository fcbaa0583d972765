"""Project facts answer "what is known in this file's project" exactly as asking `same_project` of every file
would, at a cost that does not grow with the number of files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from svclint.inventory.neighbourhood import ProjectFacts, same_project

FOLDERS = (
    "",
    "app",
    "app/base",
    "app/overlays/prod",
    "app/overlays/dev",
    "app/overlays/dev/extra",
    "other",
    "other/deploy",
    "other/deploy/k8s/v1",
    "repo",
    "repo/manifests",
    "repo/manifests/inner",
    "repo/nested",
    "repo/nested/sub",
    "repo/nested/sub/deeper",
)
REPOSITORIES = ("repo", "repo/nested/sub")  # folders with a .git: a repository inside another


def _tree(tmp_path: Path) -> list[str]:
    for folder in FOLDERS:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for folder in REPOSITORIES:
        (tmp_path / folder / ".git").mkdir()
    return [str(tmp_path / folder / f"{name}.yaml") for folder in FOLDERS for name in ("a", "b")]


def test_the_facts_of_a_files_project_are_those_same_project_relates(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    chooser = random.Random(7)
    for _ in range(40):
        chosen = chooser.sample(files, chooser.randint(1, 8))
        facts = ProjectFacts(((path, frozenset({path})) for path in chosen), frozenset.union)
        for query in files:
            expected = frozenset(path for path in chosen if same_project(path, query))
            assert (facts.near(query) or frozenset()) == expected, (query, chosen)


def test_relative_paths_are_related_like_absolute_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)  # the run's paths are relative to the working directory
    facts = ProjectFacts([("app/base/a.yaml", 1), ("other/deploy/k8s/v1/a.yaml", 2)], min)
    assert facts.near("app/overlays/prod/a.yaml") == 1
    assert facts.near(str(tmp_path / "app/overlays/prod/b.yaml")) == 1
    assert facts.near("other/deploy/x.yaml") == 2
    assert facts.near("repo/manifests/a.yaml") is None


def test_the_first_of_several_is_the_least(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    in_app = [path for path in files if "/app/" in path]
    facts = ProjectFacts(((path, index) for index, path in reversed(list(enumerate(in_app)))), min)
    assert facts.near(str(tmp_path / "app/overlays/dev/x.yaml")) == 0


def test_a_repository_inside_another_is_its_own_project(tmp_path: Path) -> None:
    _tree(tmp_path)
    nested, outer, sibling = (
        str(tmp_path / f) for f in ("repo/nested/sub/a.yaml", "repo/nested/a.yaml", "repo/x.yaml")
    )
    assert not same_project(nested, outer)  # related folders, but two repositories
    assert same_project(outer, sibling)
    assert same_project(str(tmp_path / "repo/nested/sub/deeper/a.yaml"), nested)
    facts = ProjectFacts([(nested, "nested"), (sibling, "outer")], min)
    assert facts.near(outer) == "outer"
    assert facts.near(str(tmp_path / "repo/nested/sub/deeper/b.yaml")) == "nested"
