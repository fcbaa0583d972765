"""Which files of a run belong to one project, so that cross-file evidence is drawn only from there.

A run may cover several unrelated projects (a folder of clones, a monorepo of independent samples): a Service in
one is not evidence about a workload or a node port in another. Files count as one project's when they sit in
the same folder or in folders that share a parent (`base/` and `overlays/`, `tests/` and `base/`, a manifest
beside the folders it complements), and, when the files are in version control, in the same repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from svclint.core.project import REPOSITORY_MARKERS

Fact = TypeVar("Fact")


def same_project(path: str, other: str) -> bool:
    """Whether two files are laid out as parts of one project."""
    mine, theirs = os.path.abspath(path), os.path.abspath(other)
    my_folder, their_folder = os.path.dirname(mine), os.path.dirname(theirs)
    if my_folder == their_folder:
        return True
    related = theirs.startswith(os.path.dirname(my_folder) + os.sep) or mine.startswith(
        os.path.dirname(their_folder) + os.sep
    )
    return related and _repository(my_folder) == _repository(their_folder)


class ProjectFacts(Generic[Fact]):
    """Facts about files of a run, answering "what is known in this file's project" (in the sense of
    `same_project`) at the cost of the file's folder depth, however many files and projects the run holds.

    `same_project` relates a file in folder F to one in folder G when F == G, or when G is at or below F's
    parent, or F at or below G's parent, and both are in one repository. So the facts are combined per folder,
    per folder tree (every folder at or below one, by repository) and per parent (the folders directly inside
    one, by repository); a file's project is its folder, the tree of its folder's parent, and the children of
    each folder on its way up. `combine` must not care about order or repetition (a union, a minimum): a
    folder's facts are reached through more than one of those.
    """

    def __init__(self, facts: Iterable[tuple[str, Fact]], combine: Callable[[Fact, Fact], Fact]) -> None:
        self._combine = combine
        self._in_folder: dict[str, Fact] = {}
        for path, fact in facts:
            folder = os.path.dirname(os.path.abspath(path))
            known = self._in_folder.get(folder)
            self._in_folder[folder] = fact if known is None else combine(known, fact)
        self._in_tree: dict[tuple[str, str | None], Fact] = {}
        self._in_children: dict[tuple[str, str | None], Fact] = {}
        for folder, fact in self._in_folder.items():
            repository = _repository(folder)
            for ancestor in _ancestors(folder):
                self._add(self._in_tree, (ancestor, repository), fact)
            parent = os.path.dirname(folder)
            if not _is_root(parent):
                self._add(self._in_children, (parent, repository), fact)

    def near(self, path: str) -> Fact | None:
        """The facts of the file's project combined, or None when it has none."""
        folder = os.path.dirname(os.path.abspath(path))
        repository = _repository(folder)
        parts = [self._in_folder.get(folder)]
        parent = os.path.dirname(folder)
        if not _is_root(parent):
            parts.append(self._in_tree.get((parent, repository)))
        parts.extend(self._in_children.get((ancestor, repository)) for ancestor in _ancestors(folder))
        found: Fact | None = None
        for part in parts:
            if part is not None:
                found = part if found is None else self._combine(found, part)
        return found

    def _add(self, table: dict[tuple[str, str | None], Fact], key: tuple[str, str | None], fact: Fact) -> None:
        known = table.get(key)
        table[key] = fact if known is None else self._combine(known, fact)


def _ancestors(folder: str) -> Iterator[str]:
    """The folder and each folder above it, short of the file system's root: `same_project` compares paths
    with `<folder>/` prefixes, which a root (`/`, whose prefix would be `//`) never is."""
    while not _is_root(folder):
        yield folder
        folder = os.path.dirname(folder)


def _is_root(folder: str) -> bool:
    return os.path.dirname(folder) == folder


# The repository of each folder asked about. A folder's is its parent's unless it holds a repository marker, so
# each folder is looked at once however many files ask; bounded for a long-lived language server.
_REPOSITORIES: dict[str, str | None] = {}
_REPOSITORIES_KEPT = 65536


def _repository(folder: str) -> str | None:
    """The root of the repository that holds the folder (as svclint.core.project.repository_root finds it)."""
    if len(_REPOSITORIES) > _REPOSITORIES_KEPT:
        _REPOSITORIES.clear()
    unknown: list[str] = []
    current = folder
    while current not in _REPOSITORIES:
        if any(os.path.lexists(os.path.join(current, marker)) for marker in REPOSITORY_MARKERS):
            _REPOSITORIES[current] = current
            break
        unknown.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            _REPOSITORIES[current] = None
            break
        current = parent
    found = _REPOSITORIES[current]
    for each in unknown:
        _REPOSITORIES[each] = found
    return found
