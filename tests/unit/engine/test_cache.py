"""The cache of validated and parsed rule files: it must never change what a run finds."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from svclint.core.cache import ValidationCache
from svclint.engine.ruleset import RuleError, builtin_rules_dir, load_rules
from svclint.functions import all_functions

REGISTRY = all_functions()


def _snapshot(directory: Path, cache_dir: Path | None) -> list[tuple[object, ...]]:
    store = ValidationCache(cache_dir) if cache_dir is not None else None
    rules = load_rules([directory], REGISTRY, store, builtin=directory)
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


def _turn_every_rule_off(cache_dir: Path, keep_checksums: bool) -> None:
    """What someone who can write the cache would do: every cached rule off, whatever the entries look like."""
    import hashlib

    parsed = json.loads((cache_dir / "rules.json").read_text())
    for digest, entry in parsed.items():
        data = entry["data"] if "sum" in entry else entry
        data["enabled"] = False
        data["message"] = "tampered"
        if "sum" in entry and keep_checksums:
            canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
            entry["sum"] = hashlib.sha256(f"{digest}\x1f{canonical}".encode()).hexdigest()
    (cache_dir / "rules.json").write_text(json.dumps(parsed))


def test_an_entry_whose_checksum_does_not_match_is_not_used(tmp_path: Path) -> None:
    rules = builtin_rules_dir()
    expected = _snapshot(rules, tmp_path)
    _turn_every_rule_off(tmp_path, keep_checksums=False)
    assert _snapshot(rules, tmp_path) == expected


@pytest.mark.parametrize("mode", [0o666, 0o620])
def test_a_cache_file_others_can_write_is_not_used(tmp_path: Path, mode: int) -> None:
    rules = builtin_rules_dir()
    expected = _snapshot(rules, tmp_path)
    _turn_every_rule_off(tmp_path, keep_checksums=True)
    (tmp_path / "rules.json").chmod(mode)
    assert _snapshot(rules, tmp_path) == expected


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_cache_file_owned_by_someone_else_is_not_used(tmp_path: Path) -> None:
    rules = builtin_rules_dir()
    expected = _snapshot(rules, tmp_path)
    _turn_every_rule_off(tmp_path, keep_checksums=True)
    os.chown(tmp_path / "rules.json", 65534, 65534)
    assert _snapshot(rules, tmp_path) == expected


def test_the_cache_folder_is_private_and_a_linked_cache_file_is_not_followed(tmp_path: Path) -> None:
    rules = builtin_rules_dir()
    cache_dir = tmp_path / "cache"
    expected = _snapshot(rules, cache_dir)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_dir / "rules.json").stat().st_mode) == 0o600
    _turn_every_rule_off(cache_dir, keep_checksums=True)
    planted = tmp_path / "planted.json"
    (cache_dir / "rules.json").rename(planted)
    (cache_dir / "rules.json").symlink_to(planted)
    assert _snapshot(rules, cache_dir) == expected
    assert (cache_dir / "rules.json").is_symlink()  # not written through either


def test_temporary_files_left_by_a_killed_run_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / ".rules.json.abc123.tmp"
    stale.write_text("{")
    os.utime(stale, (0, 0))
    fresh = tmp_path / ".validated.json.def456.tmp"
    fresh.write_text("{")  # a run writing right now
    _snapshot(builtin_rules_dir(), tmp_path)
    assert not stale.exists() and fresh.exists()
