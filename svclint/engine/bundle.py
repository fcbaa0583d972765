"""The built-in rules, parsed and validated ahead of time: `svclint/builtin_rules.json`.

A run that uses only the built-in rules reads this one JSON file instead of parsing some 90 YAML files and
checking them against the rule schema. `python -m svclint.docgen` writes it from `rules/` (with the docs), and
tests/test_rule_bundle.py fails when it is out of date, so the file in the wheel always matches the rules
shipped beside it.

In a source checkout, `rules/` may be edited before the bundle is written again. A rule file newer than the
bundle (or one added or removed) makes svclint compare content hashes, and read the rule files themselves when
they differ; an installed wheel's rules are not edited, so there the bundle is trusted as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from svclint.core.project import PACKAGE_DIR
from svclint.engine.ruleset import Rule, RuleError, compile_rule_data, read_rule_document

BUNDLE = PACKAGE_DIR / "builtin_rules.json"
FORMAT = 1


def rule_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def build_bundle(directory: Path) -> str:
    """The bundle's text for the rule files of `directory` (each read and validated; RuleError otherwise)."""
    import hashlib

    entries = []
    for path in rule_files(directory):
        document = read_rule_document(path)
        entries.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "data": document.data,
            }
        )
    bundle = {"format": FORMAT, "schemas": schema_digest(), "rules": entries}
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


def schema_digest() -> str:
    """What the bundle was validated against: the rule schema and every check function's options schema."""
    import hashlib

    from svclint.engine.ruleset import rule_schema
    from svclint.functions import REGISTRY

    digest = hashlib.sha256(json.dumps(rule_schema(), sort_keys=True).encode())
    for name in sorted(REGISTRY):
        digest.update(name.encode())
        digest.update(json.dumps(REGISTRY[name].options_schema, sort_keys=True).encode())
    return digest.hexdigest()


def bundled_rules(directory: Path, bundle: Path = BUNDLE) -> list[Rule] | None:
    """The rules of `directory` from the bundle, or None when there is none or it does not match the files."""
    try:
        text = bundle.read_bytes()
        modified = os.stat(bundle).st_mtime
    except OSError:
        return None
    try:
        content: Any = json.loads(text)
    except ValueError:
        return None
    entries = content.get("rules") if isinstance(content, dict) and content.get("format") == FORMAT else None
    if not isinstance(entries, list) or not all(_well_formed(entry) for entry in entries):
        return None
    if not _inside_package(directory) and not _matches(directory, entries, modified):
        return None
    try:
        return [compile_rule_data(str(directory / entry["file"]), entry["data"], builtin=True) for entry in entries]
    except (RuleError, KeyError, TypeError, ValueError):
        return None  # a damaged bundle: the rule files say what is right


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("file"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("data"), dict)
    )


def _inside_package(directory: Path) -> bool:
    return directory.resolve().parent == PACKAGE_DIR


def _matches(directory: Path, entries: list[dict[str, Any]], bundle_modified: float) -> bool:
    files = rule_files(directory)
    if [path.name for path in files] != [entry["file"] for entry in entries]:
        return False
    try:
        if all(os.stat(path).st_mtime <= bundle_modified for path in files):
            return True
        import hashlib

        return all(
            hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
            for path, entry in zip(files, entries, strict=True)
        )
    except OSError:
        return False
