"""Where the project lives: links that reports and docs point to, and the installed package's own files."""

from __future__ import annotations

from pathlib import Path

# Schemas and built-in rules ship as plain files inside the package (wheels install unzipped); reading them by
# path costs nothing at start-up, where importlib.resources would cost an import of zipfile and more.
PACKAGE_DIR = Path(__file__).resolve().parent

PROJECT_URL = "https://github.com/svclint/svclint"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"


def rule_doc_url(rule_id: str) -> str:
    return f"{DOCS_URL}/rules/{rule_id}.md"
