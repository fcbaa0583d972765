"""A rule's documentation, generated from its file: docs/rules/*.md, `svclint explain`, SARIF help."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from svclint.core.project import rule_doc_url
from svclint.engine.ruleset import Rule

MARKER = "# <-"


def example_text(example: Any) -> tuple[str, dict[str, Any]]:
    """The manifest of an example and its settings (examples are strings or objects)."""
    if isinstance(example, str):
        return example, {}
    if "manifest" in example:
        return example["manifest"], example.get("settings", {})
    return "(binary file: base64 " + example["base64"][:24] + "...)\n", example.get("settings", {})


def rule_help_markdown(rule: Rule, heading_level: int = 2) -> str:
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
        parts += ["", f"svclint reports on the lines marked `{MARKER}`."]
    if valid:
        text, settings = example_text(valid[0])
        parts += ["", f"{h} Use instead", "", *_settings_note(settings), "```yaml", text.rstrip(), "```"]
    return "\n".join(parts).rstrip() + "\n"


def _settings_note(settings: dict[str, Any]) -> list[str]:
    if not settings:
        return []
    return [f"With the settings `{json.dumps(settings, sort_keys=True)}`:", ""]


def rule_help_uri(rule: Rule) -> str | None:
    """The rule file's own `helpUri`; else svclint's page, which exists only for the built-in rules."""
    if rule.help_uri:
        return rule.help_uri
    return rule_doc_url(rule.id) if rule.builtin else None


def rule_help_text(rule: Rule) -> str:
    return f"{rule.title}.\n\n{rule.description}\n\nHow to fix it: {rule.remediation}\n"


def rule_page(rule: Rule, configured: Sequence[str] = ()) -> str:
    """The docs/rules/<ID>.md page; `configured`: how the configuration changes the rule's defaults."""
    facts = [f"**Severity:** {rule.severity.label}"]
    if not rule.enabled:
        facts.append("**Off by default** (turn it on with `--enable " + rule.name + "` or the configuration)")
    if rule.tags:
        facts.append("**Tags:** " + ", ".join(rule.tags))
    if rule.security_severity is not None:
        facts.append(f"**Security severity:** {rule.security_severity:.1f}")
    lines = [f"# {rule.id}: {rule.name}", "", " · ".join(facts), ""]
    if configured:
        lines += ["**In this configuration:** " + ", ".join(configured), ""]
    if rule.help_uri:
        lines += [f"**Documentation:** {rule.help_uri}", ""]
    if rule.source:
        lines += [f"**Source:** {rule.source}", ""]
    lines.append(rule_help_markdown(rule).rstrip())
    lines += ["", "## How svclint checks it", ""]
    if rule.producer is not None:
        lines.append(f"Reported by svclint's {rule.producer} while it reads the input (no selector).")
    else:
        kinds = ", ".join(sorted(rule.kinds)) if rule.kinds else "any kind"
        lines.append(
            f"- Objects: {kinds}" + (f" ({', '.join(sorted(rule.api_versions))})" if rule.api_versions else "")
        )
        for condition in rule.when:
            lines.append(f"- When: `{json.dumps(condition, sort_keys=True)}`")
        given = ", ".join(f"`{s.text}`" for s in rule.selectors)
        lines.append(f"- Selector: {given}" + (f", field `{'.'.join(rule.then_field)}`" if rule.then_field else ""))
        assert rule.function is not None
        options = f" with `{json.dumps(rule.options, sort_keys=True)}`" if rule.options else ""
        lines.append(f"- Check: `{rule.function.name}`{options}")
        lines.append(f"- Message: {rule.message}")
        if rule.fix is not None:
            flags = "--fix" if rule.fix.safe else "--fix --unsafe-fixes"
            safety = "safe" if rule.fix.safe else "unsafe"
            lines.append(f"- Fix ({safety}, `svclint lint {flags}`, [fixing](../fixing.md)): `{rule.fix.declaration}`")
    lines.append("")
    return "\n".join(lines)
