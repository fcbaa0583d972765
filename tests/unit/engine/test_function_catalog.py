"""Check functions as the bundle declares them: the same facts as their code, the same rule-file errors, and a
loud error (never a silent difference) when the bundle no longer describes the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from svclint.engine.bundle import bundled_functions
from svclint.engine.catalog import FunctionCatalog, StaleBundleError, declared_function, function_facts
from svclint.engine.ruleset import RuleError, load_rule_file
from svclint.functions import all_functions

RULE = """\
id: X001
name: x-rule
title: x
severity: warning
description: x
remediation: x
match:
  kinds: [Service]
given: $.metadata.name
then:
  function: {function}
  functionOptions: {options}
message: "{{{{value}}}} is wrong"
examples:
  invalid: ["kind: Service"]
  valid: ["kind: Service"]
"""


def test_the_bundle_declares_every_function_as_its_code_does() -> None:
    declared = bundled_functions()
    assert declared is not None
    real = all_functions()
    assert sorted(declared) == sorted(real)
    for name, function in declared.items():
        assert (function.name, function.options_schema, function.provides) == (
            real[name].name,
            real[name].options_schema,
            real[name].provides,
        )
        assert function.loaded() is real[name]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("function", "options", "problem"),
    [
        ("pattern", r"{match: '(a)\1'}", ":12:28: options of pattern: "),  # RE2 refuses it: found by prepare()
        ("pattern", "{nope: 1}", ":12:3: options of pattern: "),  # the options schema
        ("noSuchFunction", "{}", ":11:13: unknown function 'noSuchFunction' (known: "),
    ],
)
def test_a_custom_rule_gets_the_same_errors_from_declared_functions(
    tmp_path: Path, function: str, options: str, problem: str
) -> None:
    declared = bundled_functions()
    assert declared is not None
    path = tmp_path / "x.yaml"
    path.write_text(RULE.format(function=function, options=options))
    errors = []
    for functions in (FunctionCatalog(declared, all_functions), all_functions()):
        with pytest.raises(RuleError) as caught:
            load_rule_file(path, functions)
        errors.append(caught.value.problems)
    assert errors[0] == errors[1]
    assert errors[0][0].startswith(f"{path}{problem}")


def test_a_function_the_code_describes_otherwise_is_a_stale_bundle() -> None:
    real = all_functions()["pattern"]
    facts = {**function_facts(real), "needs_inventory": not real.needs_inventory}
    stale = declared_function("pattern", facts)
    with pytest.raises(StaleBundleError, match=r"python -m svclint\.docgen"):
        stale.prepare({})


def test_loading_and_activating_the_rules_imports_no_check_function() -> None:
    code = (
        "import sys\n"
        "from svclint.run.rules import load_all_rules, plan_rules\n"
        "from svclint.run.settings import LintSettings\n"
        "settings = LintSettings(paths=(), use_cache=False)\n"
        "plan = plan_rules(load_all_rules(settings), settings)\n"
        "assert plan.local and plan.cross\n"
        "print(sorted(name for name in sys.modules if name.startswith('svclint.functions.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
