"""Which files a kustomization of the run puts into a namespace of its own choosing.

A kustomization with `namespace:` sets the namespace of every object it takes in, through its `resources`
(files and folders, and the kustomizations of those folders in turn): the `metadata.namespace` written in such a
file (often a placeholder such as `system`) is not where the object runs.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

_RESOURCE_KEYS = ("resources", "bases", "components")


class KustomizedNamespaces:
    """The files and folders whose objects' namespace a kustomization of the run sets."""

    def __init__(self, kustomizations: Iterable[tuple[str, dict[str, Any]]] = ()) -> None:
        by_folder: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for path, data in kustomizations:
            by_folder[os.path.dirname(os.path.abspath(path))].append(data)
        self.covered: set[str] = set()
        pending = [
            entry
            for folder, documents in by_folder.items()
            for data in documents
            if isinstance(data.get("namespace"), str) and data["namespace"]
            for entry in _entries(folder, data)
        ]
        while pending:
            entry = pending.pop()
            if entry in self.covered:
                continue
            self.covered.add(entry)
            for data in by_folder.get(entry, ()):
                pending.extend(_entries(entry, data))

    def covers(self, path: str) -> bool:
        """Whether a kustomization of the run sets the namespace of the objects in this file."""
        if not self.covered:
            return False
        current = os.path.abspath(path)
        while True:
            if current in self.covered:
                return True
            parent = os.path.dirname(current)
            if parent == current:
                return False
            current = parent


def _entries(folder: str, data: dict[str, Any]) -> Iterator[str]:
    """The local files and folders a kustomization takes in (remote bases are out of view)."""
    for key in _RESOURCE_KEYS:
        items = data.get(key)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, str) and "://" not in item and not item.startswith(("github.com/", "git@")):
                yield os.path.normpath(os.path.join(folder, item))
