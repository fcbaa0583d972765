"""The cache of validated and parsed rule files: it must never change what a run finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from svclint.cache import ValidationCache
from svclint.engine.ruleset import RuleError, builtin_rules_dir, load_rules


def _snapshot(directory: Path, cache_dir: Path | None) -> list[tuple[object, ...]]:
    store = ValidationCache(cache_dir) if cache_dir is not None else None
    rules = load_rules([directory], store, builtin=directory)
    return [
        (r.id, r.name, r.severity, r.message, r.kinds, r.when, r.options, r.examples, r.function, r.origin)
        for r in rules
    ]


def test_a_cached_run_loads_the_same_rules_as_a_fresh_one(tmp_path: Path) -> None:
    rules = builtin_rules_dir()
    fresh = _snapshot(rules, None)
    first = _snapshot(rules, tmp_path)
    parsed = json.loads((tmp_path / "rules.json").read_text())
    assert len(parsed) == len(fresh)  # every built-in rule file is held as data
    second = _snapshot(rules, tmp_path)  # from the cache
    assert fresh == first == second


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path) -> None:
    rules = builtin_rules_dir()
    expected = _snapshot(rules, tmp_path)
    parsed = json.loads((tmp_path / "rules.json").read_text())
    damaged = {digest: {"id": 3} for digest in parsed}  # wrong shape under valid keys
    (tmp_path / "rules.json").write_text(json.dumps(damaged))
    assert _snapshot(rules, tmp_path) == expected
    (tmp_path / "rules.json").write_text("{not json")
    assert _snapshot(rules, tmp_path) == expected


def test_an_edited_rule_file_is_read_and_validated_again(tmp_path: Path) -> None:
    directory = tmp_path / "rules"
    directory.mkdir()
    source = builtin_rules_dir() / "SVC101-nodeport-out-of-range.yaml"
    shutil.copy(source, directory / source.name)
    cache_dir = tmp_path / "cache"
    _snapshot(directory, cache_dir)
    text = source.read_text()
    (directory / source.name).write_text(text.replace("severity: error", "severity: fatal", 1))
    with pytest.raises(RuleError, match="severity: 'fatal' is not one of"):
        _snapshot(directory, cache_dir)


def test_a_read_only_cache_directory_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    rules = builtin_rules_dir()
    assert _snapshot(rules, blocker / "cache") == _snapshot(rules, None)  # cannot be created: no error
