"""Which files of a run belong to one project, so that cross-file evidence is drawn only from there.

A run may cover several unrelated projects (a folder of clones, a monorepo of independent samples): a Service in
one is not evidence about a workload or a node port in another. Files count as one project's when they sit in
the same folder or in folders that share a parent (`base/` and `overlays/`, `tests/` and `base/`, a manifest
beside the folders it complements), and, when the files are in version control, in the same repository.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from svclint.core.project import repository_root


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


@lru_cache(maxsize=4096)
def _repository(folder: str) -> str | None:
    root = repository_root(Path(folder))
    return None if root is None else str(root)
