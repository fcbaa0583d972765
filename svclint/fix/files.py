"""Which findings of a run get fixed, and the files they are in: read once, written only when unchanged since.

Only files the run reported on are touched (never context files), only through safe_write (no links followed,
the new content replaces the old in one rename, permissions kept), and only when the bytes on disk are still
the bytes the fixes were made from.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.model import Finding
from svclint.core.safe_write import UnsafeTargetError, write_atomically
from svclint.fix.apply import FixedFile, fix_bytes


class FixWriteError(Exception):
    """A fixed file that could not or must not be written."""


def fixable(findings: Iterable[Finding], unsafe: bool, roots: Sequence[str]) -> dict[str, list[Finding]]:
    """The unsuppressed findings with a fix of the allowed safety, by file, in files inside `roots` (the paths
    the run was given: a finding may point into a file outside them, say a kustomize base, that is not fixed)."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        fix = finding.fix
        wanted = fix is not None and finding.suppression is None and (fix.safe or unsafe)
        if wanted and _inside(finding.location.path, roots):
            by_file[finding.location.path].append(finding)
    return dict(by_file)


def _inside(path: str, roots: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    for root in roots:
        top = os.path.realpath(root)
        if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
            return True
    return False


def unsafe_only(findings: Iterable[Finding]) -> int:
    """How many unsuppressed findings have only an unsafe fix (shown as a hint to use --unsafe-fixes)."""
    return sum(1 for f in findings if f.fix is not None and not f.fix.safe and f.suppression is None)


def fix_files(findings: Sequence[Finding], unsafe: bool, max_bytes: int, roots: Sequence[str]) -> list[FixedFile]:
    """Each file's fixes, worked out in memory (nothing is written)."""
    fixed = []
    for path, found in sorted(fixable(findings, unsafe, roots).items()):
        try:
            raw = read_regular_file(path, max_bytes, "manifest")
        except FileReadError:
            fixed.append(FixedFile(path, b"", b"", unfixable=list(found)))
            continue
        fixed.append(fix_bytes(path, raw, found))
    return fixed


def write_fixed(fixed: FixedFile, max_bytes: int) -> None:
    """Write the fixed bytes, unless the file changed since it was read."""
    target = Path(fixed.path)
    try:
        current = read_regular_file(target, max_bytes, "manifest")
    except FileReadError as err:
        raise FixWriteError(str(err)) from None
    if current != fixed.original:
        raise FixWriteError(f"{fixed.path}: changed since svclint read it; not fixed (run again)")
    try:
        write_atomically(target, fixed.fixed)
    except UnsafeTargetError as err:
        raise FixWriteError(f"refusing to fix: {err}") from None
    except OSError as err:
        raise FixWriteError(f"{fixed.path}: cannot write: {err.strerror}") from None
