"""`svclint rules`, `explain` and `check-rules` read the configuration as `lint` does; custom rules keep their
own help link in SARIF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import REPO
from svclint.cli import cli

TUTORIAL_RULE = REPO / "docs" / "policies" / "ACME001-internal-load-balancer.yaml"
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 443
"""


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with its own rule directory, a rule turned off and a severity override in .svclint.yaml."""
    (tmp_path / "policies").mkdir()
    shutil.copy(TUTORIAL_RULE, tmp_path / "policies")
    (tmp_path / ".svclint.yaml").write_text(
        "rules: [policies]\ndisable: [node-port-for-external-access]\nseverity:\n  SVC305: warning\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_rules_lists_the_configured_rules(project: Path) -> None:
    listed = _invoke("rules")
    assert listed.exit_code == 0, listed.output
    by_id = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "internal-load-balancer-required" in by_id["ACME001"]
    assert "SVC308" not in by_id  # node-port-for-external-access, disabled by the configuration
    assert by_id["SVC305"].split()[2] == "warning"
    everything = _invoke("rules", "--all")
    assert any(line.startswith("SVC308") and line.endswith("(turned off)") for line in everything.stdout.splitlines())
    ignored = _invoke("rules", "--no-config")
    assert "ACME001" not in ignored.stdout and "SVC308" in ignored.stdout


def test_rules_json_is_config_aware(project: Path) -> None:
    listed = _invoke("rules", "--format", "json", "--all")
    assert listed.exit_code == 0, listed.output
    records = {record["id"]: record for record in json.loads(listed.stdout)}
    assert records["ACME001"]["builtin"] is False
    assert records["ACME001"]["file"] == "policies/ACME001-internal-load-balancer.yaml"
    assert records["ACME001"]["helpUri"] is None
    assert records["SVC308"]["enabled"] is False and records["SVC308"]["enabledByDefault"] is True
    assert records["SVC305"]["severity"] == "warning" and records["SVC305"]["defaultSeverity"] == "note"
    assert records["SVC101"]["helpUri"].endswith("/docs/rules/SVC101.md")
    enabled_only = json.loads(_invoke("rules", "-f", "json").stdout)
    assert "SVC308" not in {record["id"] for record in enabled_only}


def test_explain_finds_configured_rules_and_says_what_is_off(project: Path) -> None:
    custom = _invoke("explain", "ACME001")
    assert custom.exit_code == 0, custom.output
    assert custom.stdout.startswith("# ACME001: internal-load-balancer-required")
    turned_off = _invoke("explain", "node-port-for-external-access")
    assert "**In this configuration:** off" in turned_off.stdout
    lowered = _invoke("explain", "SVC305")
    assert "**In this configuration:** severity warning" in lowered.stdout
    plain = _invoke("explain", "SVC305", "--no-config")
    assert "In this configuration" not in plain.stdout


def test_rules_report_configuration_errors(project: Path) -> None:
    (project / ".svclint.yaml").write_text("disable: [no-such-rule]\n")
    for command in (["rules"], ["explain", "SVC101"]):
        result = _invoke(*command)
        assert result.exit_code == 2
        assert ".svclint.yaml:1:11: unknown rule 'no-such-rule'" in result.stderr


def _lint_sarif(directory: Path) -> dict[str, dict[str, object]]:
    (directory / "web.yaml").write_text(SERVICE)
    result = _invoke("lint", "--no-config", "--rules", "policies", "-f", "sarif", "web.yaml")
    assert result.exit_code == 1, result.output
    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    return {str(rule["id"]): rule for rule in rules}


def test_sarif_help_uri_of_custom_rules(project: Path) -> None:
    rule_file = project / "policies" / TUTORIAL_RULE.name
    descriptors = _lint_sarif(project)
    assert "helpUri" not in descriptors["ACME001"]  # svclint has no page for it: no dead link
    assert descriptors["SVC301"]["helpUri"] == "https://github.com/svclint/svclint/blob/main/docs/rules/SVC301.md"
    rule_file.write_text(rule_file.read_text() + "helpUri: https://wiki.example.com/k8s/ACME001\n")
    assert _lint_sarif(project)["ACME001"]["helpUri"] == "https://wiki.example.com/k8s/ACME001"
    explained = _invoke("explain", "ACME001")
    assert "**Documentation:** https://wiki.example.com/k8s/ACME001" in explained.stdout


def test_check_rules_passes_good_examples(project: Path) -> None:
    result = _invoke("check-rules", "-v", "policies")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ok    policies/ACME001-internal-load-balancer.yaml:28:7: ACME001 invalid example 1",
        "ok    policies/ACME001-internal-load-balancer.yaml:40:7: ACME001 valid example 1",
        "2 passed, 0 failed: the examples of 1 rule in policies",
    ]


def test_check_rules_fails_on_a_wrong_example(project: Path) -> None:
    rule_file = project / "policies" / TUTORIAL_RULE.name
    # The valid example loses its annotation: the rule now reports on it.
    rule_file.write_text(
        rule_file.read_text().replace("networking.gke.io/load-balancer-type: Internal\n      spec", "x: y\n      spec")
    )
    result = _invoke("check-rules", "policies")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "FAIL  policies/ACME001-internal-load-balancer.yaml:40:7: ACME001 valid example 1: "
        "expected no finding; got a finding on line 8",
        "1 passed, 1 failed: the examples of 1 rule in policies",
    ]


MESSAGE = "LoadBalancer Service web is not internal: annotate it with networking.gke.io/load-balancer-type: Internal"


def test_check_rules_fails_when_the_column_or_the_message_differs(project: Path) -> None:
    rule_file = project / "policies" / TUTORIAL_RULE.name
    text = rule_file.read_text()
    # The caret (and the message's next line with it) one column to the right, then the message's last word changed.
    shifted = text.replace("#     ^ LoadBalancer", "#      ^ LoadBalancer").replace(
        "#       Internal", "#        Internal"
    )
    rule_file.write_text(shifted)
    result = _invoke("check-rules", "policies")
    assert result.stdout.splitlines()[0] == (
        f"FAIL  policies/ACME001-internal-load-balancer.yaml:28:7: ACME001 invalid example 1: "
        f"expected 6:10: {MESSAGE}; got 6:9: {MESSAGE}"
    )
    rule_file.write_text(text.replace("#       Internal", "#       External"))
    result = _invoke("check-rules", "policies")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"FAIL  policies/ACME001-internal-load-balancer.yaml:28:7: ACME001 invalid example 1: "
        f"expected 6:9: {MESSAGE.replace('Internal', 'External')}; got 6:9: {MESSAGE}"
    )


def test_check_rules_still_reads_the_line_marker(project: Path) -> None:
    rule_file = project / "policies" / TUTORIAL_RULE.name
    caret_lines = f"        #     ^ {MESSAGE.removesuffix(' Internal')}\n        #       Internal\n"
    text = rule_file.read_text()
    assert caret_lines in text
    marked = text.replace("type: LoadBalancer\n" + caret_lines, "type: LoadBalancer   # <-\n")
    rule_file.write_text(marked)
    assert _invoke("check-rules", "policies").exit_code == 0
    # The marker on the line above: the finding is not where the example says.
    rule_file.write_text(
        marked.replace(
            "      spec:\n        type: LoadBalancer   # <-", "      spec:   # <-\n        type: LoadBalancer"
        )
    )
    result = _invoke("check-rules", "policies")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "FAIL  policies/ACME001-internal-load-balancer.yaml:28:7: ACME001 invalid example 1: "
        "expected a finding on line 5; got a finding on line 6"
    )


def test_check_rules_refuses_bad_rule_files(project: Path) -> None:
    (project / "policies" / "broken.yaml").write_text("id: ACME002\nname: broken\n")
    result = _invoke("check-rules", "policies")
    assert result.exit_code == 2
    assert result.stderr.startswith("svclint: rule error: policies/broken.yaml:1:1:")
    empty = project / "empty"
    empty.mkdir()
    nothing = _invoke("check-rules", "empty")
    assert nothing.exit_code == 2 and "no rule files" in nothing.stderr


def _complete(words: str) -> list[str]:
    env = {"_SVCLINT_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    result = CliRunner().invoke(cli, [], prog_name="svclint", env=env)
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_shell_completion_script_and_rule_names(project: Path) -> None:
    script = CliRunner().invoke(cli, [], prog_name="svclint", env={"_SVCLINT_COMPLETE": "bash_source"})
    assert "complete -o nosort -F _svclint_completion svclint" in script.stdout
    assert _complete("svclint check") == ["check-rules"]
    assert _complete("svclint explain ACME") == ["ACME001"]  # from the configuration's rule directory
    assert _complete("svclint lint --disable node-port-c") == ["node-port-collision"]
    assert _complete("svclint rules --no-config --enable ACME") == []
