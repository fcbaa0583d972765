"""Every rule's examples run as tests: invalid ones are reported exactly where they expect (line, column and
message), valid ones are clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import builtin_rules
from svclint.commands.ruletests import run_example
from svclint.core.model import Severity


def _cases(kind: str) -> list[Any]:
    cases = []
    for rule in builtin_rules():
        for number in range(1, len(rule.examples.get(kind, [])) + 1):
            cases.append(pytest.param(rule, number, id=f"{rule.id}-{kind}-{number}"))
    return cases


@pytest.mark.parametrize(("rule", "number"), _cases("invalid"))
def test_invalid_example_is_reported_with_the_expected_column_and_message(
    tmp_path: Path, rule: Any, number: int
) -> None:
    run = run_example(rule, builtin_rules(), "invalid", number, tmp_path)
    assert run.complete, f"{rule.id}: an invalid example must expect the line, column and message of each finding"
    assert run.passed, (run.problem, [str(f) for f in run.findings])


@pytest.mark.parametrize(("rule", "number"), _cases("valid"))
def test_valid_example_is_clean(tmp_path: Path, rule: Any, number: int) -> None:
    run = run_example(rule, builtin_rules(), "valid", number, tmp_path)
    assert run.passed, (run.problem, [str(f) for f in run.findings])
    errors = [f for f in run.findings if f.severity is Severity.ERROR]
    assert errors == [], [f"{f.rule_id} {f.location.span.start_line}: {f.message}" for f in errors]


def test_every_rule_has_invalid_and_valid_examples() -> None:
    for rule in builtin_rules():
        assert rule.examples.get("invalid"), rule.id
        assert rule.examples.get("valid"), rule.id
