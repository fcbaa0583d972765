"""Parsing and rule-evaluation bounds: hostile YAML and rule files end in located findings or clear errors.

Recursive aliases, nesting at the documented limit (every shape, one process or several), suppression comment
floods, patterns that would backtrack, costly JSONPath, line separators inside strings and template lines in
multi-document files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import builtin_rules, by_rule, run_files, svclint
from svclint.core.model import Finding
from svclint.engine.ruleset import RuleError, load_rule_file
from svclint.functions import all_functions
from svclint.input.parsing.depth import MAX_DEPTH

REGISTRY = all_functions()

ALL_RULES = tuple(rule.id for rule in builtin_rules())


NODEPORT = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n"
    "    nodePort: 29999\n"
)


# --- Recursive aliases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "column"),
    [
        ("&a [*a]", 10),  # a sequence holding itself
        ("&a {x: *a}", 13),  # a mapping holding itself
        ("&a {x: [1, {y: *a}]}", 21),  # further down
        ("&a {x: {<<: *a}}", 18),  # merged into its own child
    ],
)
def test_an_alias_to_its_own_ancestor_is_a_finding_at_the_alias(tmp_path: Path, value: str, column: int) -> None:
    looped = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: loop\nspec:\n  x: {value}\n"
    result = run_files(tmp_path, {"loop.yaml": looped, "web.yaml": NODEPORT})
    [loop] = [f for f in result.findings if f.location.path == "loop.yaml"]
    assert loop.rule_id == "SVC003" and "refers to a collection that contains it" in loop.message
    assert (loop.location.span.start_line, loop.location.span.start_col) == (6, column)
    assert looped.splitlines()[5][column - 1] == "*"
    # the other file of the run is still linted
    assert [f.location.span.start_line for f in by_rule(result.findings, "SVC101")] == [9]


def test_an_alias_used_twice_without_a_loop_is_not_a_finding(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n  labels: &l {app: x}\nspec:\n  selector: *l\n"
    result = run_files(tmp_path, {"ok.yaml": text})
    assert by_rule(result.findings, "SVC003") == []


# --- Nesting at the documented limit ---------------------------------------------------------------------------

# The object's own levels above the nested value: the document, spec, ports, the port item.
_OUTER_LEVELS = 4
_HEAD = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: deep\nspec:\n  selector: {app: deep}\n  ports:\n"
    "  - port: 80\n    targetPort: "
)
_WORKLOAD = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deep\nspec:\n  template:\n    metadata:\n"
    "      labels: {app: deep}\n    spec:\n      containers:\n      - name: c\n        ports:\n"
    "        - containerPort: 80\n"
)


def nested(levels: int, shape: str) -> str:
    """A Service whose targetPort holds `levels` nested collections, so the document is that many levels plus
    its own four deep."""
    if shape == "flow-sequence":
        return _HEAD + "[" * levels + "]" * levels + "\n"
    if shape == "flow-mapping":
        return _HEAD + "{a: " * levels + "1" + "}" * levels + "\n"
    lines = [" " * (5 + level) + "a:" for level in range(levels)]  # block mappings, one column per level
    return _HEAD + "\n" + "\n".join(lines) + " 1\n"


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("shape", ["flow-sequence", "flow-mapping", "block"])
def test_nesting_at_the_limit_is_linted_and_one_past_it_is_refused(tmp_path: Path, shape: str, jobs: int) -> None:
    inner = MAX_DEPTH - _OUTER_LEVELS
    files = {"at.yaml": nested(inner, shape), "past.yaml": nested(inner + 1, shape), "workload.yaml": _WORKLOAD}
    result = run_files(tmp_path, files, enable=ALL_RULES, require_firewall=True, jobs=jobs)
    at = [f for f in result.findings if f.location.path == "at.yaml"]
    assert [(f.rule_id, f.location.span.start_line) for f in at] == [("SVC010", 9)]
    [past] = [f for f in result.findings if f.location.path == "past.yaml"]
    assert past.rule_id == "SVC006" and f"nested deeper than {MAX_DEPTH} levels" in past.message
    line, column = past.location.span.start_line, past.location.span.start_col
    deepest = files["past.yaml"].splitlines()[line - 1][column - 1 :]
    assert deepest.startswith(("[]", "{a: 1}", "a: 1"))


# --- Suppression comment floods --------------------------------------------------------------------------------


def test_a_flood_of_suppression_comments_costs_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from svclint.filters.suppress import Directive
    from svclint.input.parsing import lines, loader

    flood = 2000
    line_reads = 0
    real_lines = lines.yaml_lines

    class CountingLines(list[str]):
        def __getitem__(self, index: Any) -> Any:
            nonlocal line_reads
            line_reads += 1
            return super().__getitem__(index)

    monkeypatch.setattr(loader, "yaml_lines", lambda text: CountingLines(real_lines(text)))
    checks = 0
    real_covers = Directive.covers

    def counting_covers(self: Directive, finding: Finding) -> bool:
        nonlocal checks
        checks += 1
        return real_covers(self, finding)

    monkeypatch.setattr(Directive, "covers", counting_covers)
    head, last = NODEPORT.rstrip("\n").rsplit("\n", 1)
    text = head + "\n" + "    # svclint: ignore[SVC101] flood\n" * flood + last + "\n"
    result = run_files(tmp_path, {"flood.yaml": text})
    # Each line is looked at a bounded number of times, and no finding is compared with every directive.
    assert line_reads <= 3 * text.count("\n")
    assert checks <= len(result.findings)
    [suppressed] = [f for f in result.findings if f.suppression is not None]
    assert suppressed.rule_id == "SVC101" and suppressed.location.span.start_line == flood + 9
    unused = by_rule(result.findings, "SVC009")
    assert len(unused) == flood - 1 and unused[0].location.span.start_line == 10


# --- Line breaks that only libyaml counts ----------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_line_separators_inside_strings_keep_lines_and_suppressions(tmp_path: Path, separator: str) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
        f'    note: "one{separator}two"\nspec:\n  type: NodePort\n  ports:\n  - name: a\n    port: 80\n'
        "    # svclint: ignore[SVC101] a test cluster\n    nodePort: 29999\n  - name: b\n    port: 81\n"
        "    nodePort: 29998\n"
    )
    result = run_files(tmp_path, {"sep.yaml": text}, disable=("SVC308",))
    findings = [
        (f.rule_id, f.location.span.start_line, f.location.span.start_col, f.suppression is not None)
        for f in result.findings
    ]
    assert findings == [("SVC101", 13, 15, True), ("SVC101", 16, 15, False)]


@pytest.mark.parametrize("separator", ["\u2028", "\u0085"])
def test_line_separators_keep_syntax_error_positions(tmp_path: Path, separator: str) -> None:
    text = f'apiVersion: v1\nkind: Service\nmetadata:\n  name: "a{separator}b"\n  labels: a: b\nspec: {{}}\n'
    [error] = by_rule(run_files(tmp_path, {"bad.yaml": text}).findings, "SVC001")
    assert (error.location.span.start_line, error.location.span.start_col) == (5, 12)
    assert "mapping values are not allowed" in error.message


# --- Patterns: RE2, linear in the text -------------------------------------------------------------------------

PATTERN_RULE = """\
id: X001
name: x-rule
title: A rule
severity: warning
description: d
remediation: r
message: "{{value}}"
given: $.metadata.annotations.note
match:
  kinds: [Service]
  when: [{path: $.metadata.name, matches: "WHEN"}]
then:
  function: pattern
  functionOptions: {notMatch: "PATTERN"}
examples:
  valid: ["apiVersion: v1\\nkind: Service\\nmetadata: {name: other}\\n"]
  invalid: ["apiVersion: v1\\nkind: Service\\nmetadata: {name: web, annotations: {note: aa}}  # <-\\n"]
"""


def pattern_rule(pattern: str, when: str = "^web$") -> str:
    return PATTERN_RULE.replace("PATTERN", pattern.replace("\\", "\\\\")).replace("WHEN", when.replace("\\", "\\\\"))


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^(a|aa)+$", "a" * 5000 + "!", False),  # alternation under a repeat
        ("(.|\\s)*x", "a" * 5000, False),  # overlapping alternatives
        ("\\s*\\s*\\s*\\s*\\s*\\s*x", " " * 5000, False),  # adjacent overlapping repeats
        ("(a+)+$", "a" * 5000 + "!", False),  # the classic
        ("^(a|aa)+$", "a" * 5000, True),
    ],
)
def test_patterns_that_backtrack_elsewhere_run_in_linear_time(
    tmp_path: Path, pattern: str, text: str, matches: bool
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yaml").write_text(pattern_rule(pattern))
    service = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: '{text}'\n"
    (tmp_path / "a.yaml").write_text(service)
    proc = svclint("--rules", "rules", "--enable", "X001", "a.yaml", cwd=tmp_path)
    assert proc.stderr == b""
    assert (b"warning X001" in proc.stdout) is matches  # notMatch: a match is the finding


@pytest.mark.parametrize(
    ("pattern", "complaint"),
    [
        ("(a{0,100}){0,100}", "invalid repetition size"),
        ("(?(1)a|b)", "invalid perl operator"),
        ("(a)\\1", "invalid escape sequence"),
        ("(?=a)b", "invalid perl operator"),
        ("(?<!a)b", "invalid perl operator"),
        ("x{1001}", "invalid repetition size"),
    ],
)
@pytest.mark.parametrize("where", ["functionOptions", "when"])
def test_patterns_re2_cannot_run_linearly_are_rule_file_errors(
    tmp_path: Path, pattern: str, complaint: str, where: str
) -> None:
    text = pattern_rule(pattern) if where == "functionOptions" else pattern_rule("^x$", when=pattern)
    (tmp_path / "x.yaml").write_text(text)
    with pytest.raises(RuleError) as raised:
        load_rule_file(tmp_path / "x.yaml", REGISTRY)
    [problem] = raised.value.problems
    position = ":14:31:" if where == "functionOptions" else ":11:43:"
    assert problem.startswith(f"{tmp_path / 'x.yaml'}{position}"), problem
    assert complaint in problem and "RE2 syntax" in problem


def test_every_built_in_pattern_compiles_with_re2() -> None:
    from svclint.engine.regexes import LinearPattern, compile_safe

    patterns = [
        (rule.id, value)
        for rule in builtin_rules()
        for key, value in rule.options.items()
        if key in ("match", "notMatch", "skipMatching")
    ]
    patterns += [
        (rule.id, condition["matches"]) for rule in builtin_rules() for condition in rule.when if "matches" in condition
    ]
    assert len(patterns) >= 3
    for rule_id, pattern in patterns:
        assert isinstance(compile_safe(pattern), LinearPattern), rule_id


# --- JSONPath cost ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["$..*..*..*", "$..spec..port", "$..ports[?(@..name)]"])
def test_nested_recursive_descent_is_refused_at_the_given_line(tmp_path: Path, given: str) -> None:
    (tmp_path / "x.yaml").write_text(pattern_rule("^x$").replace("$.metadata.annotations.note", given))
    with pytest.raises(RuleError) as raised:
        load_rule_file(tmp_path / "x.yaml", REGISTRY)
    [problem] = raised.value.problems
    assert problem.startswith(f"{tmp_path / 'x.yaml'}:8:8:"), problem
    assert "recursive descent (..) inside another" in problem


def test_one_recursive_descent_still_works(tmp_path: Path) -> None:
    rule = pattern_rule("^public$").replace("$.metadata.annotations.note", "$..note")
    (tmp_path / "x.yaml").write_text(rule)
    assert load_rule_file(tmp_path / "x.yaml", REGISTRY).selectors[0].text == "$..note"


def test_a_selector_matching_too_many_values_is_a_rule_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from svclint.engine import selectors

    monkeypatch.setattr(selectors, "MAX_MATCHES", 50)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yaml").write_text(pattern_rule("^x$").replace("$.metadata.annotations.note", "$..*"))
    rules = [*builtin_rules(), load_rule_file(tmp_path / "rules" / "x.yaml", REGISTRY)]
    items = ", ".join(str(n) for n in range(60))
    service = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  x: [{items}]\n"
    result = run_files(tmp_path, {"a.yaml": service}, rules=rules, enable=("X001",))
    [failure] = by_rule(result.findings, "X001")
    assert "could not be evaluated" in failure.message and "more than the 50 a selector may match" in failure.message
    assert failure.location.span.start_line == 2


# --- Template lines in multi-document files --------------------------------------------------------------------


def test_one_template_line_skips_only_its_document(tmp_path: Path) -> None:
    templated = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}  # svclint: ignore\n"
    other = NODEPORT.replace("name: web", "name: other").replace("29999", "29998")
    text = NODEPORT + "---\n" + templated + "---\n" + other
    result = run_files(tmp_path, {"mixed.yaml": text})
    located = sorted((f.rule_id, f.location.span.start_line, f.location.span.start_col) for f in result.findings)
    assert located == [("SVC004", 14, 9), ("SVC101", 9, 15), ("SVC101", 24, 15), ("SVC308", 6, 9), ("SVC308", 21, 9)]
    [note] = by_rule(result.findings, "SVC004")
    assert "this document is a Go/Helm template" in note.message
    assert result.stats.documents == 3


def test_template_control_flow_across_documents_still_skips_the_file(tmp_path: Path) -> None:
    # The second document is not YAML on its own: the template's structure spans the file.
    text = "{{- if .Values.on }}\n" + NODEPORT + "---\nkind: [\n{{- end }}\n"
    result = run_files(tmp_path, {"chart.yaml": text})
    assert [(f.rule_id, f.location.span.start_line) for f in result.findings] == [("SVC004", 1)]
    assert "this file is a Go/Helm template" in result.findings[0].message


# --- A time budget for every rule evaluation -------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_evaluation_past_its_time_budget_becomes_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    from svclint.engine.budget import WATCHDOG

    # A budget of a millisecond, looked at every millisecond: matching 40,000 values takes longer anywhere.
    # (Any evaluation may outlast a millisecond on a loaded machine, so the file read after it holds no object
    # the rule checks: what it shows is that the run goes on.)
    monkeypatch.setattr(WATCHDOG, "budget", 0.001)
    monkeypatch.setattr(WATCHDOG, "tick", 0.001)
    (tmp_path / "x.yaml").write_text(pattern_rule("^x$").replace("$.metadata.annotations.note", "$..*"))
    rule = load_rule_file(tmp_path / "x.yaml", REGISTRY)
    items = ", ".join(f"v{n}" for n in range(40_000))
    big = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  x: [{items}]\n"
    later = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n"
    result = run_files(tmp_path, {"big.yaml": big, "later.yaml": later}, rules=[rule], jobs=jobs)
    [stopped] = result.findings
    assert stopped.rule_id == "X001" and (stopped.location.path, stopped.location.span.start_line) == ("big.yaml", 2)
    assert "ran longer than 0.001 seconds on this object and was stopped" in stopped.message
    assert (result.stats.files, result.stats.documents) == (2, 2)
    assert WATCHDOG.deadline == 0.0  # disarmed after the run
