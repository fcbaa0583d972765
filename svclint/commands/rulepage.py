"""A rule's page: docs/rules/<ID>.md and `svclint explain`, its help followed by how svclint checks it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from svclint.engine.ruleset import Rule
from svclint.reporters.ruledocs import rule_help_markdown


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
    lines += ["", "## How svclint checks it", "", *_how_svclint_checks(rule), ""]
    return "\n".join(lines)


def _how_svclint_checks(rule: Rule) -> list[str]:
    lines = []
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
    return lines
