"""Where the project lives: links that reports and docs point to."""

from __future__ import annotations

PROJECT_URL = "https://github.com/svclint/svclint"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"


def rule_doc_url(rule_id: str) -> str:
    return f"{DOCS_URL}/rules/{rule_id}.md"
