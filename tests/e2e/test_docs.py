"""The generated rule pages match the rule files, and every rule has its page."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, builtin_rules
from svclint.docgen import rule_pages


def test_rule_pages_are_up_to_date() -> None:
    pages = rule_pages(builtin_rules())
    folder = REPO / "docs" / "rules"
    stale = [
        name for name, text in pages.items() if not (folder / name).is_file() or (folder / name).read_text() != text
    ]
    extra = sorted(p.name for p in folder.glob("*.md") if p.name not in pages)
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale}, extra: {extra}): run `python -m svclint.docgen`"
    )


def test_configuration_reference_is_up_to_date() -> None:
    from svclint.docgen import configuration_page
    from svclint.run.config import config_schema

    page = REPO / "docs" / "configuration.md"
    assert page.read_text() == configuration_page(config_schema()), "run `python -m svclint.docgen`"


def test_every_lint_option_is_documented() -> None:
    from svclint.cli import lint

    usage = (REPO / "docs" / "usage.md").read_text()
    for param in lint.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert f"`{option}" in usage, f"{option} is not in docs/usage.md"


def test_every_rule_is_listed_in_the_index() -> None:
    index = (REPO / "docs" / "rules" / "README.md").read_text()
    for rule in builtin_rules():
        assert f"[{rule.id}]({rule.id}.md)" in index


def test_functions_reference_is_up_to_date() -> None:
    from svclint.docgen import functions_page

    assert (REPO / "docs" / "functions.md").read_text() == functions_page(), "run `python -m svclint.docgen`"


def test_the_tutorial_rule_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/writing-rules.md builds a rule; the rule in the page loads, and its examples behave."""
    import re

    import yaml
    from click.testing import CliRunner

    from svclint.cli import cli

    page = (REPO / "docs" / "writing-rules.md").read_text()
    rule_text = re.search(r"```yaml\n(# policies/ACME001[^\n]*\n.*?)```", page, re.S)
    assert rule_text is not None
    shipped = REPO / "docs" / "policies" / "ACME001-internal-load-balancer.yaml"
    assert shipped.read_text() == rule_text.group(1), "docs/policies/ holds the rule of docs/writing-rules.md"
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "ACME001.yaml").write_text(rule_text.group(1))
    examples = yaml.safe_load(rule_text.group(1))["examples"]
    (tmp_path / "bad.yaml").write_text(examples["invalid"][0])
    (tmp_path / "good.yaml").write_text(examples["valid"][0])
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    bad = runner.invoke(cli, ["lint", "--no-config", "--rules", "policies", "--disable", "SVC301", "bad.yaml"])
    assert bad.exit_code == 1 and "bad.yaml:6:9: error ACME001 LoadBalancer Service web is not internal" in bad.stdout
    good = runner.invoke(cli, ["lint", "--no-config", "--rules", "policies", "--disable", "SVC301", "good.yaml"])
    assert good.exit_code == 0, good.stdout
    explained = runner.invoke(cli, ["explain", "ACME001", "--rules", "policies"])
    assert explained.stdout.startswith("# ACME001: internal-load-balancer-required")
