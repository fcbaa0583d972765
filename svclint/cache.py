"""A small cache of content hashes that passed validation, so jsonschema runs only on changed rule files.

Only hashes are stored (JSON, no pickles): a tampered cache can at worst skip validation of a file whose exact
bytes once passed it. Set SVCLINT_NO_CACHE=1 or pass --no-cache to bypass it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

_FILE = "validated.json"
_MAX_ENTRIES = 4096


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
        if directory is not None:
            try:
                data = json.loads((directory / _FILE).read_text(encoding="utf-8"))
                if isinstance(data, list):
                    self._known = {item for item in data if isinstance(item, str)}
            except (OSError, ValueError):
                pass

    def seen(self, digest: str) -> bool:
        return digest in self._known

    def add(self, digest: str) -> None:
        if digest not in self._known:
            self._known.add(digest)
            self._dirty = True

    def save(self) -> None:
        if not self._dirty or self._directory is None:
            return
        entries = sorted(self._known)[-_MAX_ENTRIES:]
        try:
            self._directory.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=self._directory, prefix=".validated-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entries, out)
            os.replace(temp, self._directory / _FILE)
            self._dirty = False
        except OSError:
            pass  # a read-only home or cache: validate again next time
