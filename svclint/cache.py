"""A small cache that spares every run the work its rule and configuration files need only once.

- validated.json: content hashes of files that passed validation, so jsonschema runs only on changed files;
- rules.json: the parsed data of rule files that passed, by content hash, so a run does not parse 90 YAML
  files again (a third of a one-file run's time).

Keys are SHA-256 hashes of the exact bytes (and of svclint's version and check functions); everything is JSON,
never pickles or code. A cache someone else can write to could at worst make svclint read other rule data for
a file; keep it in your own home (the default). Set SVCLINT_NO_CACHE=1 or pass --no-cache to bypass it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

_FILE = "validated.json"
_MAX_ENTRIES = 4096
_PARSED_FILE = "rules.json"
_MAX_PARSED = 512


def default_cache_dir() -> Path | None:
    if os.environ.get("SVCLINT_NO_CACHE"):
        return None
    explicit = os.environ.get("SVCLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "svclint"


class ValidationCache:
    def __init__(self, directory: Path | None) -> None:
        self._directory = directory
        self._known: set[str] = set()
        self._dirty = False
        self._parsed: dict[str, Any] | None = None  # read on first use: configuration files do not need it
        self._parsed_dirty = False
        if directory is not None:
            data = _read_json(directory / _FILE)
            if isinstance(data, list):
                self._known = {item for item in data if isinstance(item, str)}

    def seen(self, digest: str) -> bool:
        return digest in self._known

    def add(self, digest: str) -> None:
        if digest not in self._known:
            self._known.add(digest)
            self._dirty = True

    def parsed(self, digest: str) -> Any:
        """The data of a rule file whose bytes hash to `digest`, or None."""
        return self._parsed_entries().get(digest)

    def remember(self, digest: str, data: Any) -> None:
        """Keep a validated rule file's data, when JSON holds it exactly."""
        try:
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError):
            return
        entries = self._parsed_entries()
        if entries.get(digest) != data:
            entries[digest] = data
            self._parsed_dirty = True

    def _parsed_entries(self) -> dict[str, Any]:
        if self._parsed is None:
            data = _read_json(self._directory / _PARSED_FILE) if self._directory is not None else None
            self._parsed = data if isinstance(data, dict) else {}
        return self._parsed

    def save(self) -> None:
        if self._directory is None:
            return
        if self._dirty:
            self._dirty = not _write_json(self._directory, _FILE, sorted(self._known)[-_MAX_ENTRIES:])
        if self._parsed_dirty and self._parsed is not None:
            kept = dict(list(self._parsed.items())[-_MAX_PARSED:])  # the newest entries
            self._parsed_dirty = not _write_json(self._directory, _PARSED_FILE, kept)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_json(directory: Path, name: str, value: Any) -> bool:
    """Write atomically; False when the cache cannot be written (a read-only home: work again next time)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out, separators=(",", ":"))
        os.replace(temp, directory / name)
        return True
    except OSError:
        return False
