"""Writing the files svclint produces (reports, baselines, its cache) without harming anything else.

The repository being linted is untrusted: a committed `report.sarif` may be a symbolic link to `~/.bashrc`, or a
FIFO that blocks the run. So a target that exists must be a regular file and not a link; the new content goes to a
temporary file in the same directory, which then replaces the target in one rename. A failed or killed write
leaves the previous file as it was (never a truncated report or baseline), and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


class UnsafeTargetError(OSError):
    """A path svclint refuses to write: a symbolic link, or something other than a regular file."""


def check_target(path: Path) -> os.stat_result | None:
    """The target's own status (None when it does not exist yet); refuses links and non-regular files."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeTargetError(f"{path}: is a symbolic link; svclint does not write through links")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeTargetError(f"{path}: is not a regular file; svclint only replaces regular files")
    return info


def write_atomically(path: Path, data: bytes | Iterable[bytes], private: bool = False) -> None:
    """Replace `path` with `data` (whole, or its parts in order) in one step. A new file gets the usual
    permissions (0666 less the umask), or 0600 when `private`; a file that exists keeps its permissions."""
    existing = check_target(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            for part in (data,) if isinstance(data, bytes) else data:
                out.write(part)
            out.flush()
            os.fsync(out.fileno())
        if existing is not None:
            os.chmod(temp, stat.S_IMODE(existing.st_mode))
        elif not private:
            os.chmod(temp, 0o666 & ~_umask())
        # A link or FIFO planted between the check and here is replaced, not followed: rename never follows.
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
