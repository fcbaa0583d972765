"""Where the project lives: links that reports and docs point to, and the installed package's own files."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

# Schemas and built-in rules ship as plain files inside the package (wheels install unzipped); reading them by
# path costs nothing at start-up, where importlib.resources would cost an import of zipfile and more.
PACKAGE_DIR = Path(__file__).resolve().parent.parent

PROJECT_URL = "https://github.com/svclint/svclint"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs"


def rule_doc_url(rule_id: str) -> str:
    return f"{DOCS_URL}/rules/{rule_id}.md"


# A folder holding one of these is a repository's root (`.git` is a file in worktrees and submodules).
REPOSITORY_MARKERS = (".git", ".hg")


def repository_root(start: Path) -> Path | None:
    """The root of the repository that holds `start` (the nearest folder upward with a .git or .hg), or None."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if any(os.path.lexists(folder / marker) for marker in REPOSITORY_MARKERS):
            return folder
    return None


@lru_cache(maxsize=8)
def project_root(cwd: str) -> Path:
    """What paths in fingerprints are relative to: the repository's root, or the working directory outside any
    repository. Cached per working directory: every finding asks."""
    return repository_root(Path(cwd)) or Path(cwd)


def is_inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it (both real paths: links already resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
