"""The kinds of value a check function declares it accepts: the engine tells a value's kind in one place and
calls the function only for values of those kinds (and for absent fields only when it accepts them)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conftest import custom_rule_text, run_files
from svclint.engine.api import MISSING, CheckContext, CheckFunction, NoOptions, Target, Violation
from svclint.engine.inputs import ValueKind, kind_of
from svclint.engine.ruleset import load_rule_file
from svclint.functions import all_functions


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("80", "string"),
        (80, "integer"),
        (True, "boolean"),  # an int to isinstance, never to a rule
        (False, "boolean"),
        (0.5, "float"),
        (None, "null"),
        ({}, "mapping"),
        (CommentedMap(), "mapping"),
        ([], "list"),
        (CommentedSeq(), "list"),
        (MISSING, "missing"),
        (b"bytes", "other"),
    ],
)
def test_the_kind_of_a_value(value: Any, kind: ValueKind) -> None:
    assert kind_of(value) == kind


class Seen(CheckFunction[NoOptions, NoOptions]):
    """Records each value it is called with and reports it."""

    name = "seen"
    accepts: ClassVar[frozenset[ValueKind]] = frozenset({"string", "missing"})
    calls: ClassVar[list[Any]] = []

    def check(self, target: Target, options: NoOptions, context: CheckContext) -> Iterable[Violation]:
        Seen.calls.append(target.value)
        yield Violation()


RULE = custom_rule_text("X002", "  field: name\n  function: seen\n", given="$.spec.ports[*]")

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - name: http
    port: 80
  - name: 8080
    port: 8080
  - port: 9090
  - name: [a]
    port: 9091
  - name: null
    port: 9092
"""


def test_the_engine_calls_a_function_only_for_the_kinds_it_accepts(tmp_path: Path) -> None:
    rule_path = tmp_path / "rules" / "X002.yaml"
    rule_path.parent.mkdir()
    rule_path.write_text(RULE, encoding="utf-8")
    rule = load_rule_file(rule_path, {"seen": Seen()})
    Seen.calls.clear()
    result = run_files(tmp_path / "run", {"service.yaml": SERVICE}, rules=[rule], enable=("X002",))
    assert Seen.calls == ["http", MISSING]
    assert [f.location.span.start_line for f in result.findings if f.rule_id == "X002"] == [7, 11]


def test_a_deprecated_name_accepts_what_its_replacements_accept() -> None:
    assert all_functions()["targetPortDeclared"].accepts == frozenset({"mapping"})
    assert all_functions()["firewallRule"].accepts == all_functions()["firewallRuleUnused"].accepts
    assert "missing" in all_functions()["firewallRule"].accepts
