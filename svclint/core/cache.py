"""A small cache that spares every run the work its rule and configuration files need only once.

- validated.json: content hashes of files that passed validation, so jsonschema runs only on changed files;
- rules.json: the parsed data of rule files that passed, by content hash, so a run does not parse 90 YAML
  files again (a third of a one-file run's time).

Keys are SHA-256 hashes of the exact bytes (and of svclint's version and check functions); everything is JSON,
never pickles or code. The cache decides which rules run and how, so it is trusted only when it is the user's
own: the folder is created 0700, and a folder or file owned by someone else, or that others can write to, is
not used at all. Each parsed entry carries a checksum over its key and data, and is dropped when they disagree
(a damaged or hand-edited file); files are read up to a size cap and written atomically. Set SVCLINT_NO_CACHE=1
or pass --no-cache to bypass it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path
from typing import Any

from svclint.core.bounded_read import read_at_most
from svclint.core.safe_write import write_atomically

_FILE = "validated.json"
_MAX_ENTRIES = 4096
_PARSED_FILE = "rules.json"
_MAX_PARSED = 512
_MAX_FILE_BYTES = 32 * 1024 * 1024
_DIGEST = re.compile(r"[0-9a-f]{64}")
# Temporary files older than this were left by a run that was killed while writing: remove them.
_STALE_SECONDS = 3600


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
        self._directory = directory if directory is not None and _own_directory(directory) else None
        self._known: set[str] = set()
        self._dirty = False
        self._parsed: dict[str, Any] | None = None  # read on first use: configuration files do not need it
        self._parsed_dirty = False
        if self._directory is not None:
            data = _read_json(self._directory / _FILE)
            if isinstance(data, list):
                self._known = {item for item in data if isinstance(item, str) and _DIGEST.fullmatch(item)}

    def seen(self, digest: str) -> bool:
        return digest in self._known

    def add(self, digest: str) -> None:
        if digest not in self._known:
            self._known.add(digest)
            self._dirty = True

    def parsed(self, digest: str) -> Any:
        """The data of a rule file whose bytes hash to `digest`, or None."""
        entry = self._parsed_entries().get(digest)
        if not isinstance(entry, dict) or entry.get("sum") != _checksum(digest, entry.get("data")):
            return None
        return entry["data"]

    def remember(self, digest: str, data: Any) -> None:
        """Keep a validated rule file's data, when JSON holds it exactly."""
        try:
            if json.loads(json.dumps(data)) != data:
                return
        except (TypeError, ValueError):
            return
        entries = self._parsed_entries()
        entry = {"data": data, "sum": _checksum(digest, data)}
        if entries.get(digest) != entry:
            entries[digest] = entry
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


def _checksum(digest: str, data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{digest}\x1f{canonical}".encode()).hexdigest()


def _own_directory(directory: Path) -> bool:
    """Create the folder 0700; one that exists is used only when the user owns it (and is made 0700 then).
    Its files are checked one by one as they are read."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(directory)
        if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return False
        if stat.S_IMODE(info.st_mode) != 0o700:
            os.chmod(directory, 0o700)
        return True
    except OSError:
        return False


def _private(info: os.stat_result, kind: Any) -> bool:
    if not kind(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def _read_json(path: Path) -> Any:
    try:
        # O_NOFOLLOW: a link planted in place of a cache file is not followed.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not _private(info, stat.S_ISREG) or info.st_size > _MAX_FILE_BYTES:
            return None
        raw = read_at_most(handle, _MAX_FILE_BYTES, info.st_size)
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _write_json(directory: Path, name: str, value: Any) -> bool:
    """Write atomically; False when the cache cannot be written (a read-only home: work again next time)."""
    _remove_stale_temporaries(directory)
    try:
        write_atomically(directory / name, json.dumps(value, separators=(",", ":")).encode(), private=True)
        return True
    except OSError:
        return False


def _remove_stale_temporaries(directory: Path) -> None:
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    if now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS:
                        os.unlink(entry.path)
