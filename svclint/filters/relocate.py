"""Cross-resource findings about context objects, brought to the files of the run.

With `--context`, only the files named are reported on. A finding about an object in a context file is still
the run's business when one of its related locations lies in a named file: a commit that relabels a
Deployment breaks the Service whose selector now matches nothing, and pre-commit must say so although only the
Deployment's file changed. Such a finding is reported at its related location in the named file; the place the
whole-repository run reports it becomes a related location, so both stay in view.

Suppressions and baselines are applied before the move, where the whole-repository run meets the finding, so
that they mean the same in both runs.
"""

from __future__ import annotations

from collections.abc import Collection

from msgspec.structs import replace

from svclint.core.model import Finding, Location


def points_into(finding: Finding, paths: Collection[str]) -> bool:
    """The finding is at, or points at, a file of the run."""
    return finding.location.path in paths or any(r.path in paths for r in finding.related)


def into_run(finding: Finding, paths: Collection[str]) -> Finding:
    """The finding at its first related location in `paths`, unless it is already in one of them."""
    if finding.location.path in paths:
        return finding
    index = next((i for i, r in enumerate(finding.related) if r.path in paths), None)
    if index is None:
        return finding
    here = finding.related[index]
    subject = str(finding.resource) if finding.resource is not None else "the finding"
    described = f"{subject}: {finding.field_path}" if finding.field_path else subject
    origin = Location(
        finding.location.path, finding.location.span, f"{described}: reported here when the whole repository is linted"
    )
    message = f"{subject}: {finding.message}" if finding.resource is not None else finding.message
    if here.message:
        message += f" (here: {here.message})"
    others = (*finding.related[:index], *finding.related[index + 1 :])
    return replace(finding, location=Location(here.path, here.span), related=(origin, *others), message=message)
