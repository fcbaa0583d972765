"""Baselines: adopt svclint in a repository with existing findings, and fail only on new ones.

`--write-baseline FILE` records the fingerprint of every finding that is not suppressed; `--baseline FILE` then
suppresses findings whose fingerprint is recorded (as many times as it is recorded), so only new findings are
reported. Fingerprints name the rule, the file, the object and the field, never a line number: moving lines
does not break a baseline.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

from svclint import __version__
from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.errors import SvclintError
from svclint.core.fingerprint import fingerprint
from svclint.core.model import Finding, Suppression
from svclint.core.safe_write import UnsafeTargetError, check_target, write_atomically

FORMAT_VERSION = 1
BASELINE_ORIGIN = "baseline"


class BaselineError(SvclintError):
    """A baseline file that cannot be read or written (exit 2)."""


# Larger than any baseline a repository would keep (a million findings), and small enough to read at once.
MAX_BASELINE_BYTES = 256 * 1024 * 1024


class Written(Struct, frozen=True):
    """What a refresh did: how many findings the file now holds, and the earlier entries no longer found."""

    count: int
    dropped: list[dict[str, Any]]


def write_baseline(path: Path, findings: Sequence[Finding], force: bool = False) -> Written:
    """Record every finding not suppressed in the source. Findings that matched the earlier baseline (when the
    run read one) stay recorded, so refreshing a baseline in place keeps what is still present."""
    entries = [
        {
            "fingerprint": fingerprint(f),
            "rule": f.rule_id,
            "path": f.location.path,
            "line": f.location.span.start_line,
            "message": f.message,
        }
        for f in findings
        if f.suppression is None or f.suppression.origin == BASELINE_ORIGIN
    ]
    try:
        earlier = _earlier_entries(path, force)
    except UnsafeTargetError as err:
        raise BaselineError(f"refusing to write the baseline: {err}") from None
    remaining = Counter(entry["fingerprint"] for entry in entries)
    dropped = []
    for entry in earlier:
        if remaining[entry["fingerprint"]] > 0:
            remaining[entry["fingerprint"]] -= 1
        else:
            dropped.append(entry)
    document = {"svclint": __version__, "version": FORMAT_VERSION, "findings": entries}
    text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    try:
        write_atomically(path, text.encode("ascii"))
    except UnsafeTargetError as err:
        raise BaselineError(f"refusing to write the baseline: {err}") from None
    except OSError as err:
        raise BaselineError(f"{path}: cannot write baseline: {err.strerror}") from None
    return Written(len(entries), dropped)


def _earlier_entries(path: Path, force: bool) -> list[dict[str, Any]]:
    """The entries of the baseline being replaced; a file that is not a baseline is replaced only with force."""
    if check_target(path) is None:
        return []
    try:
        document = _read_document(path)
    except BaselineError:
        if force or os.path.getsize(path) == 0:
            return []
        raise BaselineError(f"{path}: exists and is not an svclint baseline; pass --force to overwrite it") from None
    return _entries(document)


def read_baseline(path: Path) -> Counter[str]:
    document = _read_document(path)
    if document.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: baseline format version {document.get('version')} is not {FORMAT_VERSION}")
    return Counter(entry["fingerprint"] for entry in _entries(document))


def _entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in document["findings"] if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)]


def _read_document(path: Path) -> dict[str, Any]:
    try:
        raw = read_regular_file(path, MAX_BASELINE_BYTES, "baseline")
    except FileReadError as err:
        raise BaselineError(str(err)) from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError as err:
        raise BaselineError(f"{path}: not a baseline (invalid JSON: {err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline written by svclint --write-baseline")
    return document


def apply_baseline(findings: Sequence[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    remaining = Counter(known)
    out = []
    matched = 0
    for finding in findings:
        key = fingerprint(finding)
        if finding.suppression is None and remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
            out.append(finding.suppressed(Suppression("external", "in the baseline", BASELINE_ORIGIN)))
        else:
            out.append(finding)
    return out, matched
