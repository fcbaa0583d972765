"""Reading `svclint/builtin_rules.json`, the built-in rules and tables prepared ahead of time (see bundle.py), and
deciding whether a part of it still matches the files it was written from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeGuard

from svclint.core.project import PACKAGE_DIR

BUNDLE = PACKAGE_DIR / "builtin_rules.json"
FORMAT = 1


# The bundle read last, by path, modification time and size: a run reads it for its check functions and for its
# rules, and parsing it is most of what reading it costs.
_last_read: dict[tuple[Path, int, int], dict[str, Any]] = {}


def read_bundle(bundle: Path) -> tuple[dict[str, Any], float] | None:
    """The bundle's content and modification time, or None when it cannot be read or is not this format.
    The content is shared between callers: read it, never change it."""
    try:
        status = os.stat(bundle)
        key = (bundle, status.st_mtime_ns, status.st_size)
        content: Any = _last_read.get(key)
        if content is None:
            content = json.loads(bundle.read_bytes())
    except OSError:
        return None
    except ValueError:
        return None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        return None
    _last_read.clear()
    _last_read[key] = content
    return content, status.st_mtime


def listed_files(directory: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The entries of `directory` whose names end with one of `suffixes`, sorted by name (none when it cannot be
    listed). A source checkout lists the rule folder on every run to see that the bundle is current; one
    `os.scandir` costs a fraction of pathlib's globbing and sorting of paths."""
    try:
        with os.scandir(directory) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(suffixes))
    except OSError:
        return []
    return [directory / name for name in names]


def well_formed(entries: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(entries, list) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("file"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("data"), (dict, list))
        for entry in entries
    )


def inside_package(directory: Path) -> bool:
    """Rules installed with svclint (a wheel's): nobody edits them, so the bundle beside them is trusted."""
    return directory.resolve().parent == PACKAGE_DIR


def files_match(files: list[Path], entries: list[dict[str, Any]], bundle_modified: float) -> bool:
    """Whether `files` are the ones the entries were made from: the same names, and either none is newer than
    the bundle or each has the content hash the bundle recorded."""
    if [path.name for path in files] != [entry["file"] for entry in entries]:
        return False
    try:
        if all(os.stat(path).st_mtime <= bundle_modified for path in files):
            return True
        import hashlib

        return all(
            hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
            for path, entry in zip(files, entries, strict=True)
        )
    except OSError:
        return False
