"""A rule's examples run as tests: each invalid example is reported exactly on its marked lines, each valid one
not at all. svclint's own test suite and `svclint check-rules` share this, so custom rules are held to the same
standard as the built-in ones.
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from svclint.core.model import Finding
from svclint.engine.ruleset import Rule
from svclint.fix.apply import fix_bytes
from svclint.reporters.ruledocs import MARKER

KINDS = ("invalid", "valid")


@dataclass(frozen=True)
class ExampleRun:
    """One example of a rule, linted as the only file of a repository."""

    rule: Rule
    kind: str  # "invalid" or "valid"
    number: int  # 1-based, in the order of the rule file
    where: str  # path:line:col of the example in the rule file
    expected_lines: tuple[int, ...]  # lines the rule must report on (none for a valid example)
    findings: tuple[Finding, ...]  # every unsuppressed finding of the run, of any rule
    expected_fixed: str | None = None  # the example's `fixed`: the file once the rule's fixes are applied
    fixed: str | None = None  # the file once the rule's fixes are applied (when the example has `fixed`)

    @property
    def label(self) -> str:
        return f"{self.kind} example {self.number}"

    @property
    def reported_lines(self) -> tuple[int, ...]:
        return tuple(sorted(f.location.span.start_line for f in self.findings if f.rule_id == self.rule.id))

    @property
    def problem(self) -> str:
        """What is wrong ("" when the example behaves)."""
        reported = self.reported_lines
        if self.kind == "invalid" and not self.expected_lines:
            return f"an invalid example must mark the lines where the rule reports (end them with `{MARKER}`)"
        if self.kind == "invalid" and self.rule.fix is not None and self.expected_fixed is None:
            return "the rule has a fix: an invalid example must show the file once fixed (`fixed:`)"
        if reported != self.expected_lines:
            want = _lines(self.expected_lines) if self.expected_lines else "no finding"
            return f"expected {want}, got {_lines(reported) if reported else 'none'}"
        if self.fixed != self.expected_fixed:
            return f"once fixed, the file should read:\n{self.expected_fixed}\nbut reads:\n{self.fixed}"
        return ""

    @property
    def passed(self) -> bool:
        return not self.problem


def _lines(numbers: Sequence[int]) -> str:
    return ("findings on line " if len(numbers) == 1 else "findings on lines ") + ", ".join(str(n) for n in numbers)


def example_content(example: Any) -> tuple[dict[str, Any], str | bytes]:
    """The example as a mapping (a bare string is a manifest) and the bytes or text of its file."""
    if isinstance(example, str):
        example = {"manifest": example}
    content: str | bytes = example["manifest"] if "manifest" in example else base64.b64decode(example["base64"])
    return example, content


def marked_lines(example: dict[str, Any], content: str | bytes) -> tuple[int, ...]:
    if "lines" in example:
        return tuple(sorted(example["lines"]))
    if isinstance(content, bytes):
        return ()
    return tuple(n for n, line in enumerate(content.splitlines(), start=1) if line.rstrip().endswith(MARKER))


def run_example(rule: Rule, rules: Sequence[Rule], kind: str, number: int, workdir: Path) -> ExampleRun:
    """Lint example `number` (1-based) of `kind` in `workdir`, with `rule` turned on and its own settings."""
    from svclint.run.config import settings_from_mapping
    from svclint.run.pipeline import lint
    from svclint.run.settings import LintSettings

    example, content = example_content(rule.examples[kind][number - 1])
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
    expected = marked_lines(example, content) if kind == "invalid" else ()
    fixed = None
    if "fixed" in example:
        own = [f for f in findings if f.rule_id == rule.id and f.fix is not None]
        fixed = fix_bytes(str(target), target.read_bytes(), own).fixed.decode("utf-8") if own else str(content)
    where = _example_position(rule, kind, number)
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
