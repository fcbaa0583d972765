"""The generated rule pages match the rule files, and every rule has its page."""

from __future__ import annotations

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
