"""Generate docs/rules/ from the rule files: `python -m svclint.docgen [DOCS_DIR]`.

tests/e2e/test_docs.py fails when a page differs from what this writes, so the pages never drift from the rules.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from svclint.commands.rulepage import rule_page
from svclint.engine.inputs import PRESENT
from svclint.engine.ruleset import Rule


def rule_pages(rules: list[Rule]) -> dict[str, str]:
    pages = {f"{rule.id}.md": rule_page(rule) for rule in rules if rule.builtin}
    pages["README.md"] = _index(rules)
    return pages


def _index(rules: list[Rule]) -> str:
    lines = [
        "# Rules",
        "",
        "Generated from `rules/*.yaml` by `python -m svclint.docgen`; do not edit by hand.",
        "`svclint rules --all` prints the same list and `svclint explain RULE` each page.",
        "",
        "| id | name | severity | title |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        if not rule.builtin:
            continue
        off = " (off by default)" if not rule.enabled else ""
        lines.append(f"| [{rule.id}]({rule.id}.md) | {rule.name} | {rule.severity.label} | {rule.title}{off} |")
    return "\n".join(lines) + "\n"


def configuration_page(schema: dict[str, object]) -> str:
    """docs/configuration.md, from svclint/schemas/config.schema.json."""
    lines = [
        "# Configuration reference",
        "",
        "Generated from `svclint/schemas/config.schema.json` by `python -m svclint.docgen`; do not edit by hand.",
        "",
        "svclint reads the nearest `.svclint.yaml` (or `.svclint.yml`), or the `[tool.svclint]` table of",
        "`pyproject.toml`, from the working directory upward; `--config FILE` names one and `--no-config` ignores",
        "them. The search stops at the repository's root (the folder with `.git` or `.hg`) and never reads a",
        "folder owned by another user or writable by anyone (such as `/tmp`): see [security](security.md).",
        "Paths the file names must stay inside the project (its repository) and be what they are named as (a",
        "folder for `rules`, a file for `baseline`): `--allow-outside-project` lifts the first check.",
        "Flags override the file. The file is validated against the schema above: an unknown key or a bad",
        "value stops the run with exit code 2 and `file:line:column: what is wrong`. Relative paths are relative to",
        "the file.",
        "",
        "```yaml",
        "# .svclint.yaml",
        "node-port-range: 30000-32767",
        'kube-version: "1.30"   # quoted: YAML reads 1.30 as the number 1.3',
        "fail-on: warning",
        "disable: [node-port-for-external-access]",
        "severity:",
        "  SVC305: warning",
        "  SVC301: warning   # every public LoadBalancer, not only those exposing sensitive ports (SVC312)",
        "context: [k8s/]",
        "exclude: ['charts/*']",
        "firewall:",
        "  require: true",
        "  node-tags: [gke-prod-node]",
        "```",
        "",
        "```toml",
        "# pyproject.toml",
        "[tool.svclint]",
        'node-port-range = "30000-32767"',
        'kube-version = "1.30"',
        'disable = ["node-port-for-external-access"]',
        "",
        "[tool.svclint.firewall]",
        "require = true",
        "```",
        "",
        "| key | type | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    lines += _schema_rows(schema, "")
    return "\n".join(lines) + "\n"


def _schema_rows(schema: dict[str, object], prefix: str) -> list[str]:
    rows = []
    properties = schema.get("properties", {})
    assert isinstance(properties, dict)
    for key, spec in properties.items():
        assert isinstance(spec, dict)
        kind = _type_of(spec)
        default = f"`{json.dumps(spec['default'])}`" if "default" in spec else ""
        description = str(spec.get("description", "")).replace("|", "\\|")
        rows.append(f"| `{prefix}{key}` | {kind} | {default} | {description} |")
        if spec.get("type") == "object" and "properties" in spec:
            rows += _schema_rows(spec, f"{prefix}{key}.")
    return rows


def _type_of(spec: dict[str, object]) -> str:
    if "enum" in spec:
        values = spec["enum"]
        assert isinstance(values, list)
        return " \\| ".join(f"`{v}`" for v in values)
    kind = spec.get("type", "any")
    if kind == "array":
        items = spec.get("items", {})
        assert isinstance(items, dict)
        return f"list of {items.get('type', 'any')}"
    values = spec.get("additionalProperties")
    if kind == "object" and isinstance(values, dict):
        if values.get("type") == "array":
            return f"map of name to {_type_of(values)}"
        return "map of rule to severity"
    return str(kind)


def functions_page() -> str:
    """docs/functions.md: the check functions rules can name, with their options' schemas."""
    from svclint.functions import all_functions

    functions = all_functions()
    lines = [
        "# Check functions",
        "",
        "Generated from the function registry by `python -m svclint.docgen`; do not edit by hand.",
        "A rule names one of these in `then.function` and passes `then.functionOptions`, which are validated",
        "against the schema shown (a wrong option is a rule-file error with its line and column). Options may use",
        "`{{params.nodePortRange.min}}`, `{{params.nodePortRange.max}}`, `{{params.nodePortRange.staticBandEnd}}`",
        "and `{{params.nodePortRange.text}}`, and the data tables shipped in `rules/tables/` as",
        "`{{params.tables.NAME}}` (`load-balancer-annotations.yaml` is `{{params.tables.loadBalancerAnnotations}}`);",
        "a placeholder that is the whole value keeps its type. Each function is called only for the kinds of value",
        "it states (other values are the type rules' business); a name marked deprecated keeps working with the",
        "`mode:` or `check:` it took, and does what the function it names does.",
        "",
    ]
    for name in sorted(functions):
        function = functions[name]
        lines += [f"## `{name}`", "", function.description, ""]
        facts = []
        if function.provides:
            facts.append("Message variables: " + ", ".join(f"`{{{{{v}}}}}`" for v in sorted(function.provides)) + ".")
        facts.append(_accepted(function.accepts))
        if function.needs_inventory:
            facts.append("Cross-resource: asks the inventory of the whole run.")
        if facts:
            lines += [" ".join(facts), ""]
        lines += ["```json", json.dumps(function.options_schema, indent=2), "```", ""]
    return "\n".join(lines)


_KIND_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "float": "a decimal number",
    "boolean": "a boolean",
    "null": "null",
    "mapping": "a map",
    "list": "a list",
    "missing": "an absent field",
}


def _accepted(kinds: frozenset[str]) -> str:
    """The kinds of value a function is called for, in words (a value of another kind is skipped)."""
    absent = ", and for fields that are absent" if "missing" in kinds else ""
    if kinds >= PRESENT:
        return f"Called for any value{absent}."
    if kinds >= PRESENT - {"null"}:
        return f"Called for any value but null{absent}."
    names = [name for kind, name in _KIND_NAMES.items() if kind in kinds and kind != "missing"]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"Called for {listed}{absent}; other values are skipped."


def main(argv: list[str] | None = None) -> int:
    from svclint.run.rules import load_all_rules
    from svclint.run.settings import LintSettings

    args = sys.argv[1:] if argv is None else argv
    from svclint.engine.bundle import build_bundle
    from svclint.engine.bundlefile import BUNDLE
    from svclint.engine.ruleset import builtin_rules_dir
    from svclint.functions import all_functions

    BUNDLE.write_text(build_bundle(builtin_rules_dir(), all_functions()), encoding="utf-8")
    target = Path(args[0] if args else "docs") / "rules"
    target.mkdir(parents=True, exist_ok=True)
    pages = rule_pages(load_all_rules(LintSettings(paths=(), use_cache=False)))
    for stale in target.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (target / name).write_text(text, encoding="utf-8")
    from svclint.run.config import config_schema

    (target.parent / "configuration.md").write_text(configuration_page(config_schema()), encoding="utf-8")
    (target.parent / "functions.md").write_text(functions_page(), encoding="utf-8")
    print(f"wrote {BUNDLE}, {len(pages)} rule pages to {target} and {target.parent / 'configuration.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
