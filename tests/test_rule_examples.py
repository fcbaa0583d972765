"""Every rule's examples run as tests: invalid ones are reported on the marked lines, valid ones are clean."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from conftest import builtin_rules, by_rule, lines_of, run_files
from svclint.config import settings_from_mapping
from svclint.model import Severity
from svclint.ruledocs import MARKER


def _cases(kind: str) -> list[Any]:
    cases = []
    for rule in builtin_rules():
        for number, example in enumerate(rule.examples.get(kind, []), start=1):
            cases.append(pytest.param(rule, example, id=f"{rule.id}-{kind}-{number}"))
    return cases


def _run(tmp_path: Path, rule: Any, example: Any) -> tuple[list[Any], bytes | str]:
    if isinstance(example, str):
        example = {"manifest": example}
    content: str | bytes = example["manifest"] if "manifest" in example else base64.b64decode(example["base64"])
    files: dict[str, str | bytes] = {f"example/{example.get('filename', 'manifest.yaml')}": content}
    paths = ["example"]  # a directory: the run sees the whole (one-file) repository
    settings = settings_from_mapping(example.get("settings", {}), tmp_path)
    if "context" in example:
        files["context/context.yaml"] = example["context"]
        settings["context"] = ("context",)
    settings["enable"] = (*settings.get("enable", ()), rule.id)
    result = run_files(tmp_path, files, paths=paths, **settings)
    return [f for f in result.findings if f.suppression is None], content


def _marked_lines(example: Any, content: str | bytes) -> list[int]:
    if isinstance(example, dict) and "lines" in example:
        return sorted(example["lines"])
    assert isinstance(content, str)
    return [number for number, line in enumerate(content.splitlines(), start=1) if line.rstrip().endswith(MARKER)]


@pytest.mark.parametrize(("rule", "example"), _cases("invalid"))
def test_invalid_example_is_reported_on_marked_lines(tmp_path: Path, rule: Any, example: Any) -> None:
    findings, content = _run(tmp_path, rule, example)
    expected = _marked_lines(example, content)
    assert expected, f"{rule.id}: an invalid example must mark the lines where the rule reports"
    assert sorted(lines_of(by_rule(findings, rule.id))) == expected, [str(f) for f in findings]


@pytest.mark.parametrize(("rule", "example"), _cases("valid"))
def test_valid_example_is_clean(tmp_path: Path, rule: Any, example: Any) -> None:
    findings, _ = _run(tmp_path, rule, example)
    assert by_rule(findings, rule.id) == []
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert errors == [], [f"{f.rule_id} {f.location.span.start_line}: {f.message}" for f in errors]


def test_every_rule_has_invalid_and_valid_examples() -> None:
    for rule in builtin_rules():
        assert rule.examples.get("invalid"), rule.id
        assert rule.examples.get("valid"), rule.id
