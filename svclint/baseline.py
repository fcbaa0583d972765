"""Baselines: adopt svclint in a repository with existing findings, and fail only on new ones.

`--write-baseline FILE` records the fingerprint of every finding that is not suppressed; `--baseline FILE` then
suppresses findings whose fingerprint is recorded (as many times as it is recorded), so only new findings are
reported. Fingerprints name the rule, the file, the object and the field, never a line number: moving lines
does not break a baseline.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from svclint import __version__
from svclint.fingerprint import fingerprint
from svclint.model import Finding, Suppression

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read (exit 2)."""


def write_baseline(path: Path, findings: Sequence[Finding]) -> int:
    entries = [
        {
            "fingerprint": fingerprint(f),
            "rule": f.rule_id,
            "path": f.location.path,
            "line": f.location.span.start_line,
            "message": f.message,
        }
        for f in findings
        if f.suppression is None
    ]
    document = {"svclint": __version__, "version": FORMAT_VERSION, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as err:
        raise BaselineError(f"{path}: cannot write baseline: {err.strerror}") from None
    return len(entries)


def read_baseline(path: Path) -> Counter[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise BaselineError(f"{path}: cannot read baseline: {err.strerror}") from None
    except ValueError as err:
        raise BaselineError(f"{path}: not a baseline (invalid JSON: {err})") from None
    if not isinstance(document, dict) or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a baseline written by svclint --write-baseline")
    if document.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{path}: baseline format version {document.get('version')} is not {FORMAT_VERSION}")
    return Counter(
        entry["fingerprint"]
        for entry in document["findings"]
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
    )


def apply_baseline(findings: Sequence[Finding], known: Counter[str]) -> tuple[list[Finding], int]:
    remaining = Counter(known)
    out = []
    matched = 0
    for finding in findings:
        key = fingerprint(finding)
        if finding.suppression is None and remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
            out.append(finding.suppressed(Suppression("external", "in the baseline", "baseline")))
        else:
            out.append(finding)
    return out, matched
