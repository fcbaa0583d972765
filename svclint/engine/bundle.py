"""The built-in rules, parsed and validated ahead of time: `svclint/builtin_rules.json`.

A run that uses only the built-in rules reads this one JSON file instead of parsing some 90 YAML files and
checking them against the rule schema. `python -m svclint.docgen` writes it from `rules/` (with the docs), and
tests/unit/engine/test_rule_bundle.py fails when it is out of date, so the file in the wheel always matches the rules
shipped beside it.

In a source checkout, `rules/` may be edited before the bundle is written again. A rule file newer than the
bundle (or one added or removed) makes svclint compare content hashes, and read the rule files themselves when
they differ; an installed wheel's rules are not edited, so there the bundle is trusted as it is.

The bundle also declares each check function (its module, options schema and flags, see catalog.py), so that a
run imports a function's module only when it evaluates a rule naming it.
"""

from __future__ import annotations

import json
from pathlib import Path

from svclint.engine.api import AnyCheckFunction, CheckFunctions
from svclint.engine.bundlefile import BUNDLE, FORMAT, files_match, inside_package, read_bundle, well_formed
from svclint.engine.catalog import declared_function, function_facts
from svclint.engine.ruleset import Rule, RuleError, compile_rule_data, read_rule_document, rule_files, schema_digest
from svclint.engine.tables import read_table, table_files


def build_bundle(directory: Path, functions: CheckFunctions) -> str:
    """The bundle's text for the rule files of `directory` (each read and validated; RuleError otherwise)."""
    import hashlib

    entries = []
    for path in rule_files(directory):
        document = read_rule_document(path, functions)
        entries.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "data": document.data,
            }
        )
    tables = [
        {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "data": read_table(path)}
        for path in table_files(directory / "tables")
    ]
    declared = {name: function_facts(functions[name]) for name in sorted(functions)}
    bundle = {
        "format": FORMAT,
        "schemas": schema_digest(functions),
        "functions": declared,
        "rules": entries,
        "tables": tables,
    }
    return json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"


def bundled_rules(directory: Path, functions: CheckFunctions, bundle: Path = BUNDLE) -> list[Rule] | None:
    """The rules of `directory` from the bundle, or None when there is none or it does not match the files."""
    found = read_bundle(bundle)
    if found is None:
        return None
    content, modified = found
    entries = content.get("rules")
    if not well_formed(entries) or not all(isinstance(entry["data"], dict) for entry in entries):
        return None
    if not inside_package(directory) and not files_match(rule_files(directory), entries, modified):
        return None
    try:
        return [compile_rule_data(str(directory / entry["file"]), entry["data"], True, functions) for entry in entries]
    except (RuleError, KeyError, TypeError, ValueError):
        return None  # a damaged bundle: the rule files say what is right


def bundled_functions(bundle: Path = BUNDLE) -> dict[str, AnyCheckFunction] | None:
    """The check functions the bundle declares, their modules not imported; None when it declares none."""
    found = read_bundle(bundle)
    declared = None if found is None else found[0].get("functions")
    if not isinstance(declared, dict) or not declared:
        return None
    try:
        return {name: declared_function(name, facts) for name, facts in declared.items()}
    except (KeyError, TypeError, ValueError):
        return None  # a damaged bundle: import the functions themselves
