"""Findings about built objects name the build they occur in, once: the same finding from several builds (a
base's line seen through three overlays) is one finding with each build as a related location."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec.structs import replace

from svclint.core.model import Finding, Location
from svclint.kustomize.build import Build

_BUILD_KEYS = ("resources", "bases", "components")


def in_build(findings: Iterable[Finding], build: Build) -> list[Finding]:
    kustomization = build.kustomization
    key = next((k for k in _BUILD_KEYS if k in kustomization.data), "kind")
    span = kustomization.document.key_span((key,)) or kustomization.span((key,))
    where = Location(kustomization.display, span, f"in the build of {kustomization.display}")
    # No fix: a built value may come from a base, a patch or a transform, and which text to change is not certain.
    return [replace(finding, related=(*finding.related, where), fix=None) for finding in findings]


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per rule, place and message; the builds it occurs in are its related locations."""
    kept: dict[tuple[object, ...], Finding] = {}
    for finding in findings:
        key = (finding.rule_id, finding.location, finding.message, finding.field_path)
        known = kept.get(key)
        if known is None:
            kept[key] = finding
            continue
        extra = tuple(location for location in finding.related if location not in known.related)
        kept[key] = replace(known, related=(*known.related, *extra))
    return list(kept.values())
