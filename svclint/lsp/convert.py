"""Findings, fixes and rule documentation as LSP values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from svclint.core.model import Finding, Severity
from svclint.engine.ruleset import Rule
from svclint.fix.apply import fix_bytes, fix_edits
from svclint.lsp.positions import LineMap
from svclint.reporters.ruledocs import rule_help_markdown, rule_help_uri

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.NOTE: types.DiagnosticSeverity.Information,
}
SOURCE = "svclint"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"

# The text of another file (a related location), or None when it cannot be read.
TextOf = Callable[[str], "str | None"]


def uri_of(path: str) -> str:
    return from_fs_path(path) or Path(path).as_uri()


def diagnostic(finding: Finding, lines: LineMap, rule: Rule | None, text_of: TextOf) -> types.Diagnostic:
    href = rule_help_uri(rule) if rule is not None else None
    related = []
    for location in finding.related:
        other = text_of(location.path)
        if other is not None:
            where = types.Location(uri_of(location.path), LineMap(other).range(location.span))
            related.append(types.DiagnosticRelatedInformation(where, location.message or ""))
    return types.Diagnostic(
        range=lines.range(finding.location.span),
        message=finding.message,
        severity=_SEVERITIES[finding.severity],
        code=finding.rule_id,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
    )


def quick_fix(uri: str, lines: LineMap, finding: Finding, diagnostic: types.Diagnostic) -> types.CodeAction | None:
    fix = finding.fix
    edits = fix_edits(finding.location.path, lines.text, finding) if fix is not None else None
    if fix is None or edits is None:
        return None
    changes = [
        types.TextEdit(types.Range(lines.offset_position(e.start), lines.offset_position(e.end)), e.replacement)
        for e in edits
    ]
    return types.CodeAction(
        title=f"{fix.title} ({finding.rule_id})" if fix.safe else f"{fix.title} ({finding.rule_id}, unsafe fix)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={uri: changes}),
        is_preferred=fix.safe,
    )


def fix_all(uri: str, lines: LineMap, findings: Sequence[Finding]) -> types.CodeAction | None:
    """Every safe fix of the file in one edit, as `svclint lint --fix` would make them in one pass."""
    safe = [f for f in findings if f.fix is not None and f.fix.safe]
    if not safe:
        return None
    fixed = fix_bytes(safe[0].location.path, lines.text.encode("utf-8"), safe)
    if not fixed.changed:
        return None
    whole = types.Range(types.Position(0, 0), lines.offset_position(len(lines.text)))
    edit = types.TextEdit(whole, fixed.fixed.decode("utf-8"))
    count = len(fixed.applied)
    return types.CodeAction(
        title=f"Fix {count} problem{'s' if count != 1 else ''} with svclint (safe fixes)",
        kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def hover_text(findings: Sequence[Finding], rules: dict[str, Rule]) -> str:
    parts = []
    for finding in findings:
        rule = rules.get(finding.rule_id)
        head = f"**{finding.rule_id}** {finding.rule_name}: {finding.message}"
        parts.append(head if rule is None else f"{head}\n\n{rule_help_markdown(rule, heading_level=3)}")
    return "\n\n---\n\n".join(parts)
