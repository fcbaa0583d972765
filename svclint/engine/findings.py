"""The one way a Finding is made, with one identity recipe: the rule, what the finding is about (an object, or
the file or comment when no object is), and what tells it apart there. Fingerprints (baselines, SARIF's
partialFingerprints) are computed from the identity, so it holds no line numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from svclint.core.model import Finding, Fix, Location, ResourceRef, Severity
from svclint.engine.ruleset import Rule


def make_finding(
    rule: Rule,
    severity: Severity,
    message: str,
    location: Location,
    about: ResourceRef | str,
    detail: Sequence[str],
    *,
    resource: ResourceRef | None = None,
    field_path: str | None = None,
    related: Iterable[Location] = (),
    fix: Fix | None = None,
) -> Finding:
    """A finding of `rule` at `location`. `about` is the object it concerns (also its `resource`, unless another
    is given) or, for findings about no object, the file or the place it concerns; `detail` tells it apart from
    the rule's other findings about the same thing."""
    if isinstance(about, ResourceRef):
        subject: tuple[str, ...] = (about.kind, about.namespace, about.name)
        resource = resource if resource is not None else about
    else:
        subject = (about,)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=severity,
        message=message,
        location=location,
        resource=resource,
        field_path=field_path,
        related=tuple(related),
        identity=(rule.id, *subject, *detail),
        fix=fix,
    )
