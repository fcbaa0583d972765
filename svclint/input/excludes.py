"""What a run leaves out: tool folders and svclint's own configuration files, the user's `exclude` globs, and
what `.gitignore` files ignore.

- Directory walks skip all three.
- Files named on the command line (pre-commit names every changed file) skip the first two unless
  force-exclude is off, so an `exclude` pattern means the same in `svclint lint .` and in a pre-commit hook.
  Named files are never checked against `.gitignore`: naming a file is asking for it.
- `.gitignore` files count inside a Git repository only (a folder holding `.git`), as Git reads them: every
  `.gitignore` from the repository root down to the file's folder, the deepest one deciding, and
  `.git/info/exclude` at the root. Matching is pathspec's, which follows Git's own rules.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    "__pycache__",
    ".terraform",
)
# YAML files that configure tools rather than describe Kubernetes objects: linting them as manifests only
# inflates "checked N files" (pre-commit passes them whenever they change).
TOOL_FILES = (
    ".svclint.yaml",
    ".svclint.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
)

# (folder the patterns are relative to, the patterns), from the repository root down.
_Specs = tuple[tuple[str, "GitIgnoreSpec"], ...]


class Excludes:
    """The default names, the user's glob patterns (matched against a name or a path) and, in walks,
    `.gitignore`."""

    def __init__(self, patterns: Sequence[str] = (), respect_gitignore: bool = True) -> None:
        self.names = frozenset((*DEFAULT_EXCLUDES, *TOOL_FILES))
        translated = [fnmatch.translate(p) for p in patterns] + [fnmatch.translate(f"*/{p}") for p in patterns]
        self.regex = re.compile("|".join(translated)) if patterns else None
        self.gitignore = GitIgnores() if respect_gitignore else None

    def match(self, path: Path, name: str) -> bool:
        """By name or glob (not `.gitignore`): for what a walk meets and for named files alike."""
        if name in self.names:
            return True
        return self.regex is not None and (
            self.regex.match(name) is not None or self.regex.match(path.as_posix()) is not None
        )

    def named(self, path: Path) -> bool:
        """A file named on the command line is excluded when it, or any folder on the path as written, is."""
        parts = Path(os.path.normpath(path)).parts
        for index in range(len(parts)):
            if parts[index] in ("..", os.sep):
                continue
            if self.match(Path(*parts[: index + 1]), parts[index]):
                return True
        return False

    def walk(self, root: Path) -> WalkExcludes:
        return WalkExcludes(self, root)


class WalkExcludes:
    """The excludes of one directory walk. The folder the user named is walked even when a `.gitignore`
    above it ignores it; `.gitignore` files inside it still apply."""

    def __init__(self, excludes: Excludes, root: Path) -> None:
        self.excludes = excludes
        self.gitignore = excludes.gitignore
        self.root = os.path.abspath(root)
        if self.gitignore is not None and self.gitignore.ignored(self.root, is_dir=True):
            self.gitignore = GitIgnores(floor=self.root)

    def skip_directory(self, folder: str, name: str) -> bool:
        path = Path(folder) / name
        if self.excludes.match(path, name):
            return True
        return self.gitignore is not None and self.gitignore.ignored(os.path.abspath(path), is_dir=True)

    def skip_file(self, folder: str, name: str) -> bool:
        path = Path(folder) / name
        if self.excludes.match(path, name):
            return True
        return self.gitignore is not None and self.gitignore.ignored(os.path.abspath(path), is_dir=False)


class GitIgnores:
    """The `.gitignore` files that apply to a path, read once per folder. With a floor, only files in that
    folder and below count."""

    def __init__(self, floor: str | None = None) -> None:
        self.floor = floor
        self._specs: dict[str, _Specs | None] = {}

    def ignored(self, absolute: str, is_dir: bool) -> bool:
        specs = self._folder_specs(os.path.dirname(absolute))
        if not specs:
            return False
        suffix = "/" if is_dir else ""
        for base, spec in reversed(specs):  # the deepest file that says anything decides
            relative = os.path.relpath(absolute, base).replace(os.sep, "/")
            verdict = spec.check_file(relative + suffix).include
            if verdict is not None:
                return verdict
        return False

    def _folder_specs(self, folder: str) -> _Specs | None:
        """The specs from the repository root down to `folder`; None outside a repository."""
        if folder in self._specs:
            return self._specs[folder]
        specs: _Specs | None
        if os.path.exists(os.path.join(folder, ".git")):
            own = _read_spec(os.path.join(folder, ".git", "info", "exclude"), os.path.join(folder, ".gitignore"))
            specs = ((folder, own),) if own is not None and self._counts(folder) else ()
        else:
            parent = os.path.dirname(folder)
            above = self._folder_specs(parent) if parent != folder else None
            if above is None:
                specs = None
            else:
                own = _read_spec(os.path.join(folder, ".gitignore"))
                specs = (*above, (folder, own)) if own is not None and self._counts(folder) else above
        self._specs[folder] = specs
        return specs

    def _counts(self, folder: str) -> bool:
        return self.floor is None or folder == self.floor or folder.startswith(self.floor + os.sep)


def _read_spec(*paths: str) -> GitIgnoreSpec | None:
    lines: list[str] = []
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines.extend(handle.read().splitlines())
        except OSError:
            continue
    if not lines:
        return None
    # pathspec is imported only by runs that meet a .gitignore.
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)
