"""A rule's examples run as tests: each invalid example is reported exactly where it expects (line, column and
message; or only the line, with the older `# <-` marker), each valid one not at all. svclint's own test suite
and `svclint check-rules` share this, so custom rules are held to the same standard as the built-in ones.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct

from svclint.core.examples import LINE_MARKER, ExampleText, Expected, read_expectations
from svclint.core.model import Finding
from svclint.engine.ruleset import Rule
from svclint.fix.apply import fix_bytes

KINDS = ("invalid", "valid")


class ExampleRun(Struct, frozen=True):
    """One example of a rule, linted as the only file of a repository."""

    rule: Rule
    kind: str  # "invalid" or "valid"
    number: int  # 1-based, in the order of the rule file
    where: str  # path:line:col of the example in the rule file
    expected: tuple[Expected, ...]  # the findings the rule must report (none for a valid example)
    findings: tuple[Finding, ...]  # every unsuppressed finding of the run, of any rule
    expected_fixed: str | None = None  # the example's `fixed`: the file once the rule's fixes are applied
    fixed: str | None = None  # the file once the rule's fixes are applied (when the example has `fixed`)

    @property
    def label(self) -> str:
        return f"{self.kind} example {self.number}"

    @property
    def complete(self) -> bool:
        """Whether the example expects the column and message of every finding, not only its line."""
        return bool(self.expected) and all(e.complete for e in self.expected)

    @property
    def reported(self) -> tuple[Expected, ...]:
        """The rule's findings, as precisely as the example expects them."""
        own = [f for f in self.findings if f.rule_id == self.rule.id]
        if self.complete:
            return tuple(
                sorted(Expected(f.location.span.start_line, f.location.span.start_col, f.message) for f in own)
            )
        return tuple(sorted(Expected(f.location.span.start_line) for f in own))

    @property
    def problem(self) -> str:
        """What is wrong ("" when the example behaves)."""
        if self.kind == "invalid" and not self.expected:
            return (
                "an invalid example must show where the rule reports: a `^` line under each finding's column with"
                f" its message (or `{LINE_MARKER}` at the end of the line)"
            )
        if not self.complete and any(e.complete for e in self.expected):
            return f"an example expects either columns and messages (`^` lines) or lines only (`{LINE_MARKER}`)"
        if self.kind == "invalid" and self.rule.fix is not None and self.expected_fixed is None:
            return "the rule has a fix: an invalid example must show the file once fixed (`fixed:`)"
        reported = self.reported
        if reported != self.expected:
            return f"expected {_listed(self.expected)}; got {_listed(reported)}"
        if self.fixed != self.expected_fixed:
            return f"once fixed, the file should read:\n{self.expected_fixed}\nbut reads:\n{self.fixed}"
        return ""

    @property
    def passed(self) -> bool:
        return not self.problem


def _listed(findings: Sequence[Expected]) -> str:
    if not findings:
        return "no finding"
    if all(not f.complete for f in findings):
        lines = ", ".join(str(f.line) for f in findings)
        return ("a finding on line " if len(findings) == 1 else "findings on lines ") + lines
    return "; ".join(str(f) for f in findings)


def example_content(example: Any) -> tuple[dict[str, Any], str | bytes]:
    """The example as a mapping (a bare string is a manifest) and the bytes or text of its file."""
    if isinstance(example, str):
        example = {"manifest": example}
    content: str | bytes = example["manifest"] if "manifest" in example else base64.b64decode(example["base64"])
    return example, content


def example_expectations(example: dict[str, Any], content: str | bytes) -> ExampleText | None:
    """The file to lint and what it expects; None for bytes, whose expectations are `findings` or `lines`."""
    if isinstance(content, bytes):
        return None
    return read_expectations(content)


def _listed_expectations(example: dict[str, Any]) -> tuple[Expected, ...]:
    if "findings" in example:
        return tuple(sorted(Expected(f["line"], f["column"], f["message"]) for f in example["findings"]))
    return tuple(sorted(Expected(line) for line in example.get("lines", ())))


def run_example(rule: Rule, rules: Sequence[Rule], kind: str, number: int, workdir: Path) -> ExampleRun:
    """Lint example `number` (1-based) of `kind` in `workdir`, with `rule` turned on and its own settings."""
    from svclint.run.config import settings_from_mapping
    from svclint.run.pipeline import lint
    from svclint.run.settings import LintSettings

    example, content = example_content(rule.examples[kind][number - 1])
    text = example_expectations(example, content)
    expected = _listed_expectations(example) or (text.expected if text else ())
    if text is not None:
        content = text.text
    target = workdir / "example" / example.get("filename", "manifest.yaml")
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    settings = settings_from_mapping(example.get("settings", {}), workdir)
    if "context" in example:
        context = workdir / "context" / "context.yaml"
        context.parent.mkdir(parents=True, exist_ok=True)
        context.write_text(example["context"], encoding="utf-8")
        settings["context"] = (str(context.parent),)
    settings["enable"] = (*settings.get("enable", ()), rule.id)
    # A directory, not the file: the run sees the whole (one-file) repository rather than a partial view.
    result = lint(LintSettings(paths=[str(target.parent)], use_cache=False, jobs=1, **settings), rules)
    findings = tuple(f for f in result.findings if f.suppression is None)
    fixed = None
    if "fixed" in example:
        own = [f for f in findings if f.rule_id == rule.id and f.fix is not None]
        fixed = fix_bytes(str(target), target.read_bytes(), own).fixed.decode("utf-8") if own else str(content)
    where = _example_position(rule, kind, number)
    expected = expected if kind == "invalid" else ()
    return ExampleRun(rule, kind, number, where, expected, findings, example.get("fixed"), fixed)


def run_examples(rule: Rule, rules: Sequence[Rule]) -> Iterator[ExampleRun]:
    """Every example of the rule, each in a fresh temporary directory."""
    for kind in KINDS:
        for number in range(1, len(rule.examples.get(kind, [])) + 1):
            with tempfile.TemporaryDirectory(prefix="svclint-example-") as workdir:
                yield run_example(rule, rules, kind, number, Path(workdir))


def _example_position(rule: Rule, kind: str, number: int) -> str:
    """`file:line:col` of the example in its rule file; the rule file itself when it cannot be read again."""
    from svclint.input.parsing.loader import LoadOptions, load_bytes

    try:
        raw = Path(rule.origin).read_bytes()
    except OSError:
        return rule.origin
    loaded = load_bytes(rule.origin, raw, LoadOptions(forbid_tags=True, objects=False))
    if not loaded.documents:
        return rule.origin
    span = loaded.documents[0].locate(("examples", kind, number - 1))
    return f"{rule.origin}:{span.start_line}:{span.start_col}"
