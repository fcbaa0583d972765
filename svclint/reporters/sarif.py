"""SARIF 2.1.0 for GitHub code scanning and SARIF viewers (validated against the OASIS schema in the tests).

Code scanning reads a subset of SARIF, so what it needs is in the parts it reads: related locations are also
links in the message (`[the selector](1)`), descriptions fit its 1,024-character limit, and every security rule
has a `security-severity`. Columns count UTF-16 code units, SARIF's default `columnKind`, which is what viewers
such as VS Code's count by.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from svclint import __version__
from svclint.core.fingerprint import FINGERPRINT_KEY, fingerprint
from svclint.core.model import Finding, Location, Severity
from svclint.core.project import PROJECT_URL
from svclint.core.rules import ReportedRule
from svclint.reporters.base import Report
from svclint.reporters.present import STDIN_MARKER, STDIN_NAME, escape, report_path
from svclint.reporters.ruledocs import rule_help_markdown, rule_help_text, rule_help_uri
from svclint.reporters.source import SourceLines

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
MAX_DESCRIPTION = 1024  # code scanning's limit for fullDescription
# A full stop after a word (not after a list number such as `3.`), followed by a space or a line break.
_SENTENCE_END = re.compile(r"(?<=[^\d\s])\.(?=\s)")
# A security rule without a score of its own gets one from its severity (GitHub: 7.0+ high, 4.0+ medium, low).
_DEFAULT_SECURITY_SEVERITY = {Severity.ERROR: 7.0, Severity.WARNING: 5.0, Severity.NOTE: 2.0}
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def render(report: Report) -> str:
    return "".join(render_parts(report))


def render_parts(report: Report) -> Iterator[str]:
    """The log exactly as `json.dumps(log, indent=2)` writes it, in parts, with each result serialised on its
    own: the indenting encoder is pure Python and holds a string per token until it joins them, which for every
    result of a large run at once costs several times the report's size (the run's peak memory); written part by
    part, the report is never whole in memory either."""
    rules = sorted(report.rules, key=lambda a: a.rule.id)
    index = {active.rule.id: position for position, active in enumerate(rules)}
    findings = report.active() if report.omit_suppressed else report.findings
    frame = json.dumps(_log(report, rules, _RESULTS_MARKER), indent=2, ensure_ascii=False)
    # The last occurrence: only the Kubernetes version (MAJOR.MINOR) follows the results.
    head, _, tail = frame.rpartition(json.dumps(_RESULTS_MARKER))
    if not findings:
        yield f"{head}[]{tail}\n"
        return
    key_line = head[head.rindex("\n") + 1 :]
    key_indent = len(key_line) - len(key_line.lstrip(" "))
    item_start = "\n" + " " * (key_indent + 2)
    yield head + "["
    for number, finding in enumerate(findings):
        result = json.dumps(_result(finding, index, report.root, report.sources), indent=2, ensure_ascii=False)
        yield ("," if number else "") + item_start + result.replace("\n", item_start)
    yield "\n" + " " * key_indent + "]" + tail + "\n"


# Stands for the results while the rest of the log is serialised.
_RESULTS_MARKER = "\x00svclint results\x00"


def _log(report: Report, rules: list[ReportedRule], results: Any) -> dict[str, Any]:
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "svclint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": PROJECT_URL,
                "rules": [_descriptor(active) for active in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": report.root.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "utf16CodeUnits",
        "results": results,
        "properties": {"kubeVersion": report.kube_version},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _descriptor(active: ReportedRule) -> dict[str, Any]:
    rule = active.rule
    properties: dict[str, Any] = {"tags": list(rule.tags), "precision": "very-high"}
    score = rule.security_severity
    if score is None and "security" in rule.tags:
        score = _DEFAULT_SECURITY_SEVERITY[active.severity]
    if score is not None:
        properties["security-severity"] = f"{score:.1f}"
        if "security" not in properties["tags"]:
            properties["tags"].append("security")
    help_uri = rule_help_uri(rule)
    return {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": shorten(rule.description, MAX_DESCRIPTION)},
        "help": {"text": rule_help_text(rule), "markdown": rule_help_markdown(rule)},
        **({"helpUri": help_uri} if help_uri is not None else {}),
        "defaultConfiguration": {"level": _LEVELS[active.severity]},
        "properties": properties,
    }


def shorten(text: str, limit: int) -> str:
    """The text, cut after its last paragraph or sentence that fits, when it is longer than `limit`."""
    text = text.strip()
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    paragraph = room.rfind("\n\n")
    sentences = [m.end() for m in _SENTENCE_END.finditer(room)]
    cut = max(paragraph, sentences[-1] if sentences else -1)
    if cut > limit // 2:
        return room[:cut].rstrip()
    return room[: room.rfind(" ")].rstrip() + "\u2026"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _result(finding: Finding, index: dict[str, int], root: Path, sources: SourceLines) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [_location(finding.location, root, sources, finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.related:
        result["relatedLocations"] = [
            {**_location(related, root, sources, None), "id": position}
            for position, related in enumerate(finding.related, start=1)
        ]
    if finding.suppression is not None:
        result["suppressions"] = [
            {"kind": finding.suppression.kind, "justification": finding.suppression.justification}
        ]
    return result


def _message(finding: Finding) -> str:
    """The message as SARIF plain text, with each related location as an embedded link (code scanning shows
    `relatedLocations` only through such links). Literal brackets are escaped, as SARIF 3.11.6 requires."""
    text = _plain(finding.message)
    if not finding.related:
        return text
    links = [
        f"[{_plain(related.message or 'related location')}]({position})"
        for position, related in enumerate(finding.related, start=1)
    ]
    return f"{text} (see {', '.join(links)})"


def _plain(text: str) -> str:
    return escape(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _location(location: Location, root: Path, sources: SourceLines, finding: Finding | None) -> dict[str, Any]:
    span = location.span
    physical = {
        "artifactLocation": artifact_location(location.path, root),
        "region": {
            "startLine": span.start_line,
            "startColumn": sources.utf16_column(location.path, span.start_line, span.start_col),
            "endLine": span.end_line,
            "endColumn": sources.utf16_column(location.path, span.end_line, span.end_col),
        },
    }
    out: dict[str, Any] = {"physicalLocation": physical}
    if location.message:
        out["message"] = {"text": _plain(location.message)}
    if finding is not None and finding.resource is not None:
        resource = finding.resource
        out["logicalLocations"] = [
            {
                "name": escape(resource.name),
                "fullyQualifiedName": escape(f"{resource.namespace}/{resource.kind}/{resource.name}"),
                "kind": "resource",
            }
        ]
    return out


def artifact_location(display: str, root: Path) -> dict[str, str]:
    """The path every format reports (present.py) as a URI: relative to %SRCROOT% (the repository root, what
    code scanning wants) when inside it, else a file:// URI; unnamed standard input is `stdin`."""
    if display == STDIN_MARKER:
        return {"uri": STDIN_NAME}
    spelled = report_path(display, root)
    if spelled.startswith("/"):
        return {"uri": Path(spelled).as_uri()}
    # Bytes, not text: a file name that is not UTF-8 is percent-encoded byte by byte (RFC 3986).
    return {"uri": quote(os.fsencode(spelled)), "uriBaseId": SRCROOT}
