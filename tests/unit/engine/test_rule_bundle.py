"""The bundle of built-in rules (svclint/builtin_rules.json): in step with rules/, and never trusted when not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from svclint.engine.bundle import build_bundle, bundled_rules
from svclint.engine.bundlefile import BUNDLE
from svclint.engine.ruleset import Rule, load_rules
from svclint.engine.tables import bundled_tables, read_tables
from svclint.functions import all_functions

REGISTRY = all_functions()

RULES = REPO / "rules"


def _facts(rules: list[Rule]) -> list[tuple[object, ...]]:
    # Compiled conditions hold functions, which compare by identity: compare what they were compiled from.
    fields: tuple[str, ...] = ("id", "name", "severity", "enabled", "message", "when", "selectors", "function")
    fields += ("options", "examples", "origin", "description", "remediation", "tags", "kinds", "builtin")
    return [tuple(getattr(rule, name) for name in fields) for rule in rules]


def test_the_bundle_is_in_step_with_the_rule_files() -> None:
    assert BUNDLE.read_text(encoding="utf-8") == build_bundle(RULES, REGISTRY), "run `python -m svclint.docgen`"


def test_bundled_rules_are_the_rules_the_files_make() -> None:
    bundled = bundled_rules(RULES, REGISTRY)
    assert bundled is not None
    assert _facts(bundled) == _facts(load_rules([RULES], REGISTRY))


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A source checkout's rules/ and bundle, the bundle written after the rules (as docgen does)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    bundle = tmp_path / "builtin_rules.json"
    bundle.write_text(build_bundle(rules, REGISTRY), encoding="utf-8")
    past = os.stat(bundle).st_mtime - 60
    for path in rules.iterdir():
        os.utime(path, (past, past))
    return rules, bundle


def test_an_edited_rule_file_is_read_instead_of_the_bundle(checkout: tuple[Path, Path]) -> None:
    rules, bundle = checkout
    assert bundled_rules(rules, REGISTRY, bundle) is not None
    path = rules / "SVC101-nodeport-out-of-range.yaml"
    path.write_text(path.read_text().replace("severity: error", "severity: warning", 1))
    assert bundled_rules(rules, REGISTRY, bundle) is None


def test_a_touched_but_unchanged_rule_file_keeps_the_bundle(checkout: tuple[Path, Path]) -> None:
    rules, bundle = checkout
    (rules / "SVC101-nodeport-out-of-range.yaml").touch()
    assert bundled_rules(rules, REGISTRY, bundle) is not None


@pytest.mark.parametrize("change", ["add", "remove"])
def test_an_added_or_removed_rule_file_is_noticed(checkout: tuple[Path, Path], change: str) -> None:
    rules, bundle = checkout
    source = rules / "SVC101-nodeport-out-of-range.yaml"
    if change == "add":
        shutil.copy(source, rules / "SVC999-copy.yaml")
        os.utime(rules / "SVC999-copy.yaml", (0, 0))
    else:
        source.unlink()
    assert bundled_rules(rules, REGISTRY, bundle) is None


@pytest.mark.parametrize("content", ["", "{not json", '{"format": 1, "rules": [{"file": 3}]}', '{"format": 99}'])
def test_a_damaged_bundle_is_not_used(checkout: tuple[Path, Path], content: str) -> None:
    rules, bundle = checkout
    bundle.write_text(content)
    assert bundled_rules(rules, REGISTRY, bundle) is None


def test_bundled_tables_are_the_tables_the_files_make(checkout: tuple[Path, Path]) -> None:
    rules, bundle = checkout
    tables = bundled_tables(rules / "tables", bundle)
    assert tables is not None and set(tables) == {"kubeVersions", "loadBalancerAnnotations"}
    assert tables == read_tables(RULES / "tables")


def test_an_edited_table_is_read_instead_of_the_bundle(checkout: tuple[Path, Path]) -> None:
    rules, bundle = checkout
    path = rules / "tables" / "kube-versions.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    assert bundled_tables(rules / "tables", bundle) is None
