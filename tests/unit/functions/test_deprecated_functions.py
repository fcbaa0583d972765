"""Function names a rule directory may still use with their old `mode:` or `check:` switch: each keeps loading
and reports exactly what the purpose-named function that replaced it reports, on every example of the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, builtin_rules
from svclint.commands.ruletests import run_example
from svclint.core.model import Finding
from svclint.engine.ruleset import Rule
from svclint.run.rules import load_all_rules
from svclint.run.settings import LintSettings

# rule id: (the function its file names now, the old name and switch a custom rule may still write)
OLD_FORMS = {
    "SVC204": ("targetPortNameDeclared", "targetPortDeclared", "mode: named"),
    "SVC205": ("targetPortNumberDeclared", "targetPortDeclared", "mode: numeric"),
    "SVC207": ("ingressBackendService", "ingressBackend", "check: service"),
    "SVC208": ("ingressBackendServicePort", "ingressBackend", "check: port"),
    "SVC209": ("gceIngressBackendNeg", "ingressBackend", "check: neg"),
    "SVC401": ("nodePortAllowed", "firewallCoverage", "mode: fixed"),
    "SVC402": ("nodePortRangeAllowed", "firewallCoverage", "mode: unassigned"),
    "SVC406": ("hostPortAllowed", "firewallCoverage", "mode: host"),
    "SVC403": ("firewallOpensNodePortRange", "firewallRule", "check: open-range"),
    "SVC404": ("firewallRuleUnused", "firewallRule", "check: stale"),
    "SVC405": ("firewallRuleReadable", "firewallRule", "check: readable"),
    "SVC201": ("selectedPodsRunning", "selectedPods", "expect: running"),
    "SVC202": ("selectorMatchesPods", "selectedPods", "expect: pods"),
    "SVC203": ("selectedPodsSpread", "selectedPods", "expect: spread"),
    "SVC210": ("selectorMatchesPods", "selectedPods", "expect: pods"),  # beside its evidence: indirect
    "SVC227": ("governingServiceExists", "governingService", "expect: exists"),
    "SVC228": ("governingServiceHeadless", "governingService", "expect: headless"),
    "SVC229": ("governingServiceSelectsPods", "governingService", "expect: selects"),
    "SVC233": ("hostPortCollision", "hostPortShared", "perNode: true"),
    "SVC234": ("hostPortSharedAcrossNodes", "hostPortShared", "perNode: false"),
    "SVC149": ("ipAddressesOnePerFamily", "ipFamilies", "distinct: true"),
    "SVC152": ("ipAddressesMatchFamilies", "ipFamilies", "families: $.spec.ipFamilies"),  # the option it keeps
    "SVC010": ("kubernetesFieldTypes", "kubernetesSchema", "report: type"),  # beside its schema
    "SVC011": ("kubernetesKnownFields", "kubernetesSchema", "report: unknownField"),
}
# How the documentation of the old name spells a switch whose value is the rule's own data.
DOCUMENTED = {"families: $.spec.ipFamilies": "families: <path>"}


def _old_form(rule_id: str, directory: Path, form: tuple[str, str, str] | None = None) -> Rule:
    """The built-in rule rewritten as a custom rule (id OLD...) that names the old function and its switch."""
    new, old, switch = form or OLD_FORMS[rule_id]
    (source,) = (REPO / "rules").glob(f"{rule_id}-*.yaml")
    text = source.read_text(encoding="utf-8")
    written = f"  function: {new}\n"
    assert written in text, f"{source.name} no longer names {new}"
    if f"{written}  functionOptions:\n" in text:  # the new function has options of its own: the switch joins them
        written += "  functionOptions:\n"
    switch_line = "" if f"    {switch}\n" in text else f"    {switch}\n"
    text = text.replace(written, f"  function: {old}\n  functionOptions:\n{switch_line}")
    text = text.replace(f"id: {rule_id}\n", f"id: OLD{rule_id[3:]}\n").replace("\nname: ", "\nname: old-", 1)
    (directory / source.name).write_text(text, encoding="utf-8")
    rules = load_all_rules(LintSettings(paths=(), rule_dirs=(directory,), use_cache=False))
    (loaded,) = [rule for rule in rules if rule.id == f"OLD{rule_id[3:]}"]
    return loaded


def _reported(findings: tuple[Finding, ...], rule_id: str) -> list[tuple[int, int, str]]:
    return [
        (f.location.span.start_line, f.location.span.start_col, f.message) for f in findings if f.rule_id == rule_id
    ]


@pytest.mark.parametrize("rule_id", sorted(OLD_FORMS))
def test_the_old_name_and_switch_report_what_the_new_function_reports(tmp_path: Path, rule_id: str) -> None:
    (new_rule,) = [rule for rule in builtin_rules() if rule.id == rule_id]
    custom = tmp_path / "custom"
    custom.mkdir()
    old_rule = _old_form(rule_id, custom)
    assert old_rule.function is not None and old_rule.function.name == OLD_FORMS[rule_id][1]
    rules = [*builtin_rules(), old_rule]
    reported = 0
    for kind in ("invalid", "valid"):
        for number in range(1, len(new_rule.examples.get(kind, [])) + 1):
            new_run = run_example(new_rule, rules, kind, number, tmp_path / f"new-{kind}-{number}")
            old_run = run_example(old_rule, rules, kind, number, tmp_path / f"old-{kind}-{number}")
            expected = _reported(new_run.findings, rule_id)
            assert _reported(old_run.findings, old_rule.id) == expected, (kind, number)
            reported += len(expected)
    assert reported > 0  # the examples exercise the function


def test_the_deprecated_names_are_documented_with_their_replacements() -> None:
    text = (REPO / "docs" / "functions.md").read_text(encoding="utf-8")
    for new, old, switch in OLD_FORMS.values():
        switch = DOCUMENTED.get(switch, switch)
        section = text.split(f"## `{old}`", 1)[1].split("\n## ", 1)[0]
        assert "Deprecated" in section and f"`{switch}` is `{new}`" in section, old


@pytest.mark.parametrize(("expect", "reports"), [("running", True), ("spread", False)])
def test_indirect_evidence_with_the_other_expectations_keeps_its_old_meaning(
    tmp_path: Path, expect: str, reports: bool
) -> None:
    """`selectedPods` with `evidence: indirect` reported a selector's indirect evidence for `expect: running` as for
    `pods`, and nothing for `spread`: SVC210's examples, with those switches, still do."""
    (new_rule,) = [rule for rule in builtin_rules() if rule.id == "SVC210"]
    old_rule = _old_form("SVC210", tmp_path, ("selectorMatchesPods", "selectedPods", f"expect: {expect}"))
    rules = [*builtin_rules(), old_rule]
    for number in range(1, len(new_rule.examples["invalid"]) + 1):
        new_run = run_example(new_rule, rules, "invalid", number, tmp_path / f"new-{number}")
        old_run = run_example(old_rule, rules, "invalid", number, tmp_path / f"old-{number}")
        expected = _reported(new_run.findings, "SVC210") if reports else []
        assert expected or not reports
        assert _reported(old_run.findings, old_rule.id) == expected, number
