"""In-source suppressions that leave a trace.

- A comment on the line of a finding, or alone on the line above it:
  `# svclint: ignore[SVC101, nodeport-out-of-range] the reason` (without `[...]`: every rule).
- A comment anywhere in a file: `# svclint: ignore-file[SVC308] the reason`.
- An annotation on the object: `svclint.io/ignore: "SVC301: public website; SVC305"` (rules separated by commas,
  groups by semicolons, each group's reason after a colon).

Suppressed findings are kept (SARIF `suppressions`, kind inSource, with the reason as justification) and hidden
from text output unless --show-suppressed. A suppression that matches nothing is reported (SVC009), so
suppressions do not outlive the problems they hid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from msgspec import Struct

from svclint.core.model import Finding, Location, ResourceRef, Span, Suppression
from svclint.core.stats import SuppressionStats
from svclint.input.document import Resource
from svclint.input.parsing.loader import DirectiveComment

ANNOTATION = "svclint.io/ignore"
_COMMENT = re.compile(r"^svclint:\s*(?P<scope>ignore-file|ignore)\b(?:\s*\[(?P<rules>[^\]]*)\])?\s*(?P<reason>.*)$")


class Directive(Struct):
    rules: frozenset[str] | None  # rule ids; None: every rule
    reason: str
    location: Location
    file: str
    lines: frozenset[int] | None = None  # the lines it covers; None: the whole file (or object)
    resource: ResourceRef | None = None  # object scope
    origin: str = "comment"
    unknown: tuple[str, ...] = ()
    used: bool = False
    text: str = ""

    def covers(self, finding: Finding) -> bool:
        if finding.location.path != self.file:
            return False
        if self.rules is not None and finding.rule_id not in self.rules:
            return False
        if self.resource is not None:
            return finding.resource == self.resource
        return self.lines is None or finding.location.span.start_line in self.lines


class HasDirectives(Protocol):
    path: str
    comments: list[DirectiveComment]
    annotated: list[Resource]


def collect_directives(files: Iterable[HasDirectives], rule_ids: Mapping[str, str]) -> list[Directive]:
    """Every suppression written in the reported files; `rule_ids` maps ids and names to ids."""
    directives: list[Directive] = []
    for loaded in files:
        for comment in loaded.comments:
            match = _COMMENT.match(comment.text)
            if match is None:
                continue
            rules, unknown = _rules(match.group("rules"), rule_ids)
            whole_file = match.group("scope") == "ignore-file"
            directives.append(
                Directive(
                    rules=rules,
                    reason=match.group("reason").strip(),
                    location=Location(loaded.path, Span(comment.line, comment.col, comment.line, comment.col + 1)),
                    file=loaded.path,
                    lines=None if whole_file else frozenset({comment.line, comment.target_line}),
                    unknown=unknown,
                    text=comment.text,
                )
            )
    for resource in (r for loaded in files for r in loaded.annotated):
        annotations = resource.get(("metadata", "annotations"))
        value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
        if not isinstance(value, str):
            continue
        span = resource.locate(("metadata", "annotations", ANNOTATION))
        for group in value.split(";"):
            if not group.strip():
                continue
            names, _, reason = group.partition(":")
            rules, unknown = _rules(names, rule_ids)
            directives.append(
                Directive(
                    rules=rules,
                    reason=reason.strip(),
                    location=Location(resource.path, span),
                    file=resource.path,
                    resource=resource.ref(),
                    origin="annotation",
                    unknown=unknown,
                    text=group.strip(),
                )
            )
    return directives


def _rules(text: str | None, rule_ids: Mapping[str, str]) -> tuple[frozenset[str] | None, tuple[str, ...]]:
    """The rule ids a directive names (None: every rule), and the names it gives that are not rules."""
    if text is None:
        return None, ()
    names = [name.strip() for name in re.split(r"[,\s]+", text) if name.strip()]
    if not names:
        return None, ()
    known: set[str] = set()
    unknown: list[str] = []
    for name in names:
        rule_id = rule_ids.get(name) or rule_ids.get(name.upper())
        if rule_id is None:
            unknown.append(name)
        else:
            known.add(rule_id)
    return frozenset(known), tuple(unknown)


def apply_suppressions(
    findings: Sequence[Finding], directives: Sequence[Directive], stats: SuppressionStats
) -> list[Finding]:
    out = []
    index = _DirectiveIndex(directives)
    for finding in findings:
        directive = index.first_covering(finding)
        if directive is None:
            out.append(finding)
            continue
        directive.used = True
        stats.suppressed += 1
        if not directive.reason:
            stats.without_reason += 1
        justification = directive.reason or "(no reason given)"
        origin = f"{directive.origin} at {directive.location.path}:{directive.location.span.start_line}"
        out.append(finding.suppressed(Suppression("inSource", justification, origin)))
    return out


class _DirectiveIndex:
    """The first directive (in the order written) that covers a finding, in a few lookups.

    Every directive covers what one or more keys name: a file, what it covers there (a line, the whole file or
    one object) and a rule (None: every rule). All the directives under one key cover the same findings, so only
    the first is kept: a flood of identical comments costs no more per finding than one comment.
    """

    def __init__(self, directives: Sequence[Directive]) -> None:
        self._first: dict[tuple[str, object, str | None], tuple[int, Directive]] = {}
        for order, directive in enumerate(directives):
            rules: Iterable[str | None] = (None,) if directive.rules is None else directive.rules
            for scope in _scopes(directive):
                for rule in rules:
                    self._first.setdefault((directive.file, scope, rule), (order, directive))

    def first_covering(self, finding: Finding) -> Directive | None:
        path, rule = finding.location.path, finding.rule_id
        best: tuple[int, Directive] | None = None
        for scope in (("line", finding.location.span.start_line), ("file",), ("resource", finding.resource)):
            for key_rule in (rule, None):
                found = self._first.get((path, scope, key_rule))
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
        return best[1] if best is not None else None


def _scopes(directive: Directive) -> list[object]:
    if directive.resource is not None:
        return [("resource", directive.resource)]
    if directive.lines is None:
        return [("file",)]
    return [("line", line) for line in directive.lines]


def unused(directives: Sequence[Directive], active: frozenset[str]) -> list[tuple[Directive, str]]:
    """Suppressions that hid nothing (only judged for rules that ran), and those naming unknown rules."""
    problems = []
    for directive in directives:
        if directive.unknown:
            problems.append(
                (directive, f"unknown rule {', '.join(directive.unknown)} in suppression: {directive.text}")
            )
            continue
        if directive.used:
            continue
        if directive.rules is not None and not directive.rules <= active:
            continue  # a rule that is off in this run cannot have matched
        what = ", ".join(sorted(directive.rules)) if directive.rules is not None else "any rule"
        problems.append((directive, f"this suppression ({what}) matches no finding: remove it"))
    return problems
