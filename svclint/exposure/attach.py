"""Lint findings on the hops of a path: a finding concerns a hop when it is about the hop's object and, for
objects with several paths through them (a Service's ports, an Ingress's or route's rules), about this one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from svclint.core.model import FieldPath, Finding, format_field_path
from svclint.input.document import Resource
from svclint.kustomize.provenance import BuiltDocument


class FindingIndex:
    def __init__(self, findings: Iterable[Finding]) -> None:
        self._by_object: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.resource is not None and finding.suppression is None:
                ref = finding.resource
                self._by_object[(ref.kind, ref.namespace, ref.name)].append(finding)

    def about(self, resource: Resource, part: FieldPath = ()) -> list[Finding]:
        """Findings on the object; with `part` (e.g. `spec.ports[1]`), those on that part or on the object as a
        whole, not those on its sibling parts (`spec.ports[0]`)."""
        found = self._by_object.get((resource.kind, resource.namespace, resource.name), [])
        if not isinstance(resource.document, BuiltDocument):
            # An object defined in several files (copies, variants): the findings of this definition only. A
            # kustomize build's object is one, whatever files wrote its values.
            found = [
                f for f in found if f.location.path == resource.path or any(r.path == resource.path for r in f.related)
            ]
        if not part:
            return found
        own = format_field_path(part)
        siblings = format_field_path(part[:-1]) + "["
        return [
            f
            for f in found
            if f.field_path is None or not f.field_path.startswith(siblings) or _within(f.field_path, own)
        ]


def _within(field_path: str, part: str) -> bool:
    return field_path == part or field_path.startswith((part + ".", part + "["))
