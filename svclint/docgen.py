"""Generate docs/rules/ from the rule files: `python -m svclint.docgen [DOCS_DIR]`.

tests/test_docs.py fails when a page differs from what this writes, so the pages never drift from the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

from svclint.engine.ruleset import Rule
from svclint.ruledocs import rule_page


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


def main(argv: list[str] | None = None) -> int:
    from svclint.run import LintSettings, load_all_rules

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "docs") / "rules"
    target.mkdir(parents=True, exist_ok=True)
    pages = rule_pages(load_all_rules(LintSettings(paths=(), use_cache=False)))
    for stale in target.glob("*.md"):
        if stale.name not in pages:
            stale.unlink()
    for name, text in pages.items():
        (target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} pages to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
