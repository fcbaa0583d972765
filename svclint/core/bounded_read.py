"""Reading a file svclint is told about, without letting it decide how much memory or time that costs.

Configuration can name any path (`context: /dev/zero`, a FIFO as a rule file, a 3 GB baseline). Where svclint
expects a regular file, anything else is refused before a byte is read; the size is checked with fstat on the
open file, and at most the limit is read, so a file that grows while it is read cannot take more either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO


class FileReadError(OSError):
    """A file that cannot be used: what it is and why, ready to show (`path: not a regular file ...`)."""


class TooLargeError(FileReadError):
    def __init__(self, message: str, size: int) -> None:
        super().__init__(message)
        self.size = size


def read_regular_file(path: Path | str, limit: int, what: str, allow_fifo: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; `what` names it in messages ("baseline").
    `allow_fifo` also takes a pipe (`--firewall-rules <(gcloud ...)` on the command line), read up to the limit."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before svclint can see what it is.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise FileReadError(f"{path}: cannot read {what}: {err.strerror}") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if allow_fifo and stat.S_ISFIFO(info.st_mode):
            os.set_blocking(descriptor, True)
            return _within_limit(read_at_most(handle, limit), limit, f"{path}: cannot read {what}")
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(f"{path}: cannot read {what}: not a regular file ({describe_mode(info.st_mode)})")
        if info.st_size > limit:
            raise TooLargeError(f"{path}: cannot read {what}: {_too_large(info.st_size, limit)}", info.st_size)
        # Checked again after reading: the file may have grown since fstat.
        return _within_limit(read_at_most(handle, limit, info.st_size), limit, f"{path}: cannot read {what}")


def _within_limit(data: bytes, limit: int, context: str) -> bytes:
    if len(data) > limit:
        raise TooLargeError(f"{context}: {_too_large(len(data), limit)}", len(data))
    return data


def read_at_most(handle: IO[bytes], limit: int, expected: int = 0) -> bytes:
    """Up to `limit` + 1 bytes of a binary stream (one byte more than the limit tells the caller it is over).
    `expected` (a regular file's size) lets the whole file come in one read; streams come in chunks, so memory
    follows what arrives rather than the limit."""
    first = handle.read(min(expected, limit) + 1)
    if len(first) <= expected or len(first) > limit:
        return first
    chunks = [first]
    total = len(first)
    while total <= limit:
        chunk = handle.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


_CHUNK = 1024 * 1024


def describe_mode(mode: int) -> str:
    for test, name in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "an unknown kind of file"


def _too_large(size: int, limit: int) -> str:
    return f"over the limit of {limit / (1024 * 1024):.0f} MiB ({size / (1024 * 1024):.1f} MiB or more)"
