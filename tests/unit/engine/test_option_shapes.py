"""Each check function's typed options (the TypedDict it is declared with) against its JSON Schema: every
function of the registry agrees, each kind of disagreement is caught, and a rule naming an inconsistent
function is refused when it is loaded."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, TypedDict

import pytest

from conftest import custom_rule_text
from svclint.engine.api import CheckContext, CheckFunction, Target, Violation
from svclint.engine.option_shapes import declared_types, function_shape_errors, shape_errors
from svclint.engine.ruleset import RuleError, load_rule_file
from svclint.functions import all_functions

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "keys": {"type": "array", "items": {"type": "string"}},
        "limit": {"type": "integer", "minimum": 0},
        "mode": {"enum": ["fast", "slow"]},
        "window": {
            "type": "object",
            "properties": {"low": {"type": "integer"}},
            "additionalProperties": False,
        },
    },
    "required": ["keys"],
    "additionalProperties": False,
}


class Window(TypedDict, total=False):
    low: int


class _Keys(TypedDict):
    keys: list[str]


class Agreeing(_Keys, total=False):
    limit: int
    mode: Literal["fast", "slow"]
    window: Window


def test_every_registered_function_declares_the_options_its_schema_validates() -> None:
    problems = {name: function_shape_errors(type(function)) for name, function in all_functions().items()}
    assert {name: errors for name, errors in problems.items() if errors} == {}


def test_a_declaration_that_agrees_has_no_errors() -> None:
    assert shape_errors(Agreeing, SCHEMA) == []


class ExtraKey(Agreeing, total=False):
    verbose: bool


class _NoKeys(TypedDict):
    pass


class MissingKey(_NoKeys, total=False):
    keys: list[str]
    limit: int
    mode: Literal["fast", "slow"]


class WrongType(_Keys, total=False):
    limit: str
    mode: Literal["fast", "slow"]
    window: Window


class WrongItems(TypedDict, total=False):
    keys: list[int]
    limit: int
    mode: Literal["fast", "slow"]
    window: Window


class WrongLiteral(_Keys, total=False):
    limit: int
    mode: Literal["fast", "quick"]
    window: Window


class _BadWindow(TypedDict, total=False):
    low: str


class WrongNested(_Keys, total=False):
    limit: int
    mode: Literal["fast", "slow"]
    window: _BadWindow


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (ExtraKey, "options: declares verbose, which the schema does not allow"),
        (MissingKey, "options: the schema allows window, which is not declared"),
        (MissingKey, "options: the schema requires ['keys'], the declaration []"),
        (WrongType, "options.limit: the schema admits integer, the declaration string"),
        (WrongItems, "options.keys[]: the schema admits string, the declaration integer"),
        (WrongLiteral, "options.mode: the schema's enum is ['fast', 'slow']"),
        (WrongNested, "options.window.low: the schema admits integer, the declaration string"),
    ],
)
def test_each_disagreement_is_named(declared: Any, expected: str) -> None:
    assert any(error.startswith(expected) for error in shape_errors(declared, SCHEMA)), shape_errors(declared, SCHEMA)


def test_a_schema_open_to_other_properties_cannot_back_a_declared_shape() -> None:
    assert shape_errors(Agreeing, {**SCHEMA, "additionalProperties": True}) == [
        "options: a declared shape needs a schema without additional properties"
    ]


class Prepared(TypedDict):
    limit: int


class _LimitOptions(TypedDict):
    limit: int


class Unprepared(CheckFunction[_LimitOptions, frozenset[int]]):
    """Says check receives a prepared form, but never makes one."""

    name = "unprepared"
    options_schema = {
        "type": "object",
        "properties": {"limit": {"type": "integer"}},
        "required": ["limit"],
        "additionalProperties": False,
    }

    def check(self, target: Target, options: frozenset[int], context: CheckContext) -> Iterable[Violation]:
        return ()


class Inconsistent(CheckFunction[_LimitOptions, _LimitOptions]):
    """Reads `limit` as an integer, while its schema lets a rule write a string."""

    name = "inconsistent"
    options_schema = {
        "type": "object",
        "properties": {"limit": {"type": "string"}},
        "required": ["limit"],
        "additionalProperties": False,
    }

    def check(self, target: Target, options: _LimitOptions, context: CheckContext) -> Iterable[Violation]:
        return ()


def test_the_declared_types_are_read_from_the_generic_base_through_subclasses() -> None:
    assert declared_types(type(all_functions()["nodePortAllowed"]))[0].__name__ == "NoOptions"
    assert declared_types(type(all_functions()["targetPortDeclared"]))[0].__name__ == "ModeSwitch"
    assert declared_types(Inconsistent) == (_LimitOptions, _LimitOptions)


def test_a_prepared_form_without_prepare_is_an_error() -> None:
    assert function_shape_errors(Unprepared) == ["it declares a prepared form of its options but does not prepare them"]


RULE = custom_rule_text("X001", '  function: inconsistent\n  functionOptions:\n    limit: "3"\n')


def test_a_rule_naming_an_inconsistent_function_is_refused_at_the_function_name(tmp_path: Path) -> None:
    path = tmp_path / "X001.yaml"
    path.write_text(RULE, encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        load_rule_file(path, {"inconsistent": Inconsistent()})
    assert raised.value.problems == [
        f"{path}:11:13: function inconsistent is inconsistent: "
        "options.limit: the schema admits string, the declaration integer"
    ]
