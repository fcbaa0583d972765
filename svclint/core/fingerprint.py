"""Fingerprints that identify a finding across edits: no line numbers, so moving lines keeps them.

Paths in a fingerprint are relative to the project root (the repository's root), not to the working directory:
a baseline written at the root matches a run started in a subfolder, and code scanning sees the same
fingerprints whichever folder CI runs from.
"""

from __future__ import annotations

import hashlib
import os

from svclint.core.model import Finding
from svclint.core.project import project_root

FINGERPRINT_KEY = "svclint/v1"


def fingerprint(finding: Finding) -> str:
    """Rule, file, object (kind/namespace/name) and field path; for input problems, what the problem is."""
    display = finding.location.path
    identity = finding.identity or (finding.rule_id, finding.message)
    path = project_path(display)
    # Input problems name their file in the identity too: it must not depend on the working directory either.
    parts = (path, *(path if part == display else part for part in identity))
    data = "\x1f".join(parts).encode("utf-8", errors="surrogateescape")
    return hashlib.sha256(data).hexdigest()[:32]


def project_path(display: str) -> str:
    """A reported path as seen from the project root; stdin's name and paths outside the project stay as given."""
    if display.startswith("<"):
        return display
    cwd = os.getcwd()
    relative = os.path.relpath(os.path.join(cwd, display), project_root(cwd))
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return display
    return relative.replace(os.sep, "/")
