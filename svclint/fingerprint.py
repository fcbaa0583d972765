"""Fingerprints that identify a finding across edits: no line numbers, so moving lines keeps them."""

from __future__ import annotations

import hashlib

from svclint.model import Finding

FINGERPRINT_KEY = "svclint/v1"


def fingerprint(finding: Finding) -> str:
    """Rule, file, object (kind/namespace/name) and field path; for input problems, what the problem is."""
    parts = (
        (finding.location.path, *finding.identity)
        if finding.identity
        else (finding.location.path, finding.rule_id, finding.message)
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
