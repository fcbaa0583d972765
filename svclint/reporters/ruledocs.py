"""A rule's help, generated from its file: SARIF help, the language server's hover, and the parts of the rule pages
(svclint/commands/rulepage.py) that say what the rule does."""

from __future__ import annotations

import json
from typing import Any

from svclint.core.examples import LINE_MARKER, read_expectations
from svclint.core.project import rule_doc_url
from svclint.core.rules import DescribedRule


def example_text(example: Any) -> tuple[str, dict[str, Any]]:
    """The manifest of an example and its settings (examples are strings or objects)."""
    if isinstance(example, str):
        return example, {}
    if "manifest" in example:
        return example["manifest"], example.get("settings", {})
    return "(binary file: base64 " + example["base64"][:24] + "...)\n", example.get("settings", {})


def rule_help_markdown(rule: DescribedRule, heading_level: int = 2) -> str:
    h = "#" * heading_level
    parts = [
        f"{rule.title}.",
        "",
        f"{h} What it does",
        "",
        rule.description,
        "",
        f"{h} How to fix it",
        "",
        rule.remediation,
    ]
    invalid = rule.examples.get("invalid", [])
    valid = rule.examples.get("valid", [])
    if invalid:
        text, settings = example_text(invalid[0])
        parts += ["", f"{h} Example", "", *_settings_note(settings), "```yaml", text.rstrip(), "```"]
        parts += ["", _where_it_reports(text)]
    if valid:
        text, settings = example_text(valid[0])
        parts += ["", f"{h} Use instead", "", *_settings_note(settings), "```yaml", text.rstrip(), "```"]
    return "\n".join(parts).rstrip() + "\n"


def _where_it_reports(manifest: str) -> str:
    expected = read_expectations(manifest).expected
    if expected and all(e.complete for e in expected):
        return "Each `^` points at where svclint reports, with the message; those lines are no part of the file."
    return f"svclint reports on the lines marked `{LINE_MARKER}`."


def _settings_note(settings: dict[str, Any]) -> list[str]:
    if not settings:
        return []
    return [f"With the settings `{json.dumps(settings, sort_keys=True)}`:", ""]


def rule_help_uri(rule: DescribedRule) -> str | None:
    """The rule file's own `helpUri`; else svclint's page, which exists only for the built-in rules."""
    if rule.help_uri:
        return rule.help_uri
    return rule_doc_url(rule.id) if rule.builtin else None


def rule_help_text(rule: DescribedRule) -> str:
    return f"{rule.title}.\n\n{rule.description}\n\nHow to fix it: {rule.remediation}\n"
