"""Hostile input: whatever arrives ends in findings or a clear message, in bounded time, never a traceback.

Property-based tests feed random YAML structures, random bytes and random rule files through the loader, every
rule and the rule loader; the rest are the classic attacks and accidents, end to end through the CLI.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import builtin_rules, run_files, svclint
from svclint.core.model import Finding
from svclint.engine.ruleset import RuleError, load_rule_file
from svclint.functions import all_functions
from svclint.run.pipeline import RunResult

REGISTRY = all_functions()

ALL_RULES = tuple(rule.id for rule in builtin_rules())
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def lint_everything(tmp_path: Path, files: dict[str, str | bytes]) -> RunResult:
    """Every rule on, firewall checks included: each must survive whatever the file holds."""
    return run_files(tmp_path, files, enable=ALL_RULES, require_firewall=True)


def assert_located_in(finding: Finding, raw: bytes) -> None:
    """Positions are 1-based and inside the file (a span may end just past the last line)."""
    lines = raw.decode("utf-8", errors="replace").splitlines() or [""]
    span = finding.location.span
    assert 1 <= span.start_line <= len(lines) + 1, finding
    assert span.start_col >= 1 and span.end_col >= 1, finding
    assert (span.start_line, span.start_col) <= (span.end_line, span.end_col), finding


# --- Property-based: random structures, random bytes, random rule files --------------------------------------

SERVICE_KEYS = st.sampled_from(
    ["ports", "port", "nodePort", "targetPort", "protocol", "name", "type", "selector", "clusterIP", "clusterIPs",
     "externalIPs", "externalTrafficPolicy", "healthCheckNodePort", "loadBalancerSourceRanges", "ipFamilies",
     "ipFamilyPolicy", "sessionAffinity", "sessionAffinityConfig", "externalName", "appProtocol", "x"]
)  # fmt: skip
SCALAR_WORDS = ["TCP", "UDP", "SCTP", "NodePort", "LoadBalancer", "ClusterIP", "ExternalName", "Local", "Cluster",
                "None", "0.0.0.0/0", "10.0.0.0/8", "::/0", "http", "30080", "", "y", "~"]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(SCALAR_WORDS),
    st.text(max_size=20),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(SERVICE_KEYS, st.text(max_size=8)), children, max_size=5),
    ),
    max_leaves=30,
)
OBJECTS = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(
            ["v1", "apps/v1", "networking.k8s.io/v1", "compute.cnrm.cloud.google.com/v1beta1"]
        ),
        "kind": st.sampled_from(["Service", "Deployment", "Ingress", "ComputeFirewall", "List", "Pod"]),
        "metadata": st.fixed_dictionaries({"name": st.text(min_size=1, max_size=10)}, optional={"namespace": VALUES}),
        "spec": st.dictionaries(SERVICE_KEYS, VALUES, max_size=6),
    },
    optional={"items": st.lists(VALUES, max_size=3)},
)


@FUZZ
@given(documents=st.lists(OBJECTS, min_size=1, max_size=3), flow=st.booleans())
def test_random_objects_through_every_rule(tmp_path: Path, documents: list[dict[str, Any]], flow: bool) -> None:
    text = yaml.safe_dump_all(documents, default_flow_style=flow, allow_unicode=True)
    result = lint_everything(tmp_path, {"fuzz.yaml": text})
    for finding in result.findings:
        assert_located_in(finding, text.encode("utf-8"))


@FUZZ
@given(raw=st.binary(max_size=300))
def test_random_bytes_through_every_rule(tmp_path: Path, raw: bytes) -> None:
    result = lint_everything(tmp_path, {"fuzz.yaml": raw})
    for finding in result.findings:
        assert finding.location.span.start_line >= 1 and finding.location.span.start_col >= 1


YAML_PIECES = st.sampled_from(
    ["apiVersion: v1\n", "kind: Service\n", "spec:\n", "  ports:\n", "  - port: 80\n", "    nodePort: 1\n", "---\n",
     "- a\n", "a: &x [1]\n", "b: *x\n", "<<: *x\n", "? [a]\n: b\n", "\t", "{{ x }}\n", "'\n", '"\\u', "!!binary x\n",
     "%YAML 1.1\n", "...\n", "# svclint: ignore\n", "a: |\n  b\n", "\ufeff", "\r\n", "key: [\n", ": x\n"]
)  # fmt: skip


@FUZZ
@given(pieces=st.lists(YAML_PIECES, max_size=12))
def test_random_yaml_fragments_through_every_rule(tmp_path: Path, pieces: list[str]) -> None:
    text = "".join(pieces)
    result = lint_everything(tmp_path, {"fuzz.yaml": text})
    for finding in result.findings:
        assert_located_in(finding, text.encode("utf-8"))


RULE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.sampled_from(["X001", "SVC101", "bad id"]), VALUES),
        "name": st.one_of(st.just("x-rule"), VALUES),
        "title": VALUES,
        "severity": st.one_of(st.sampled_from(["error", "warning", "note", "fatal"]), VALUES),
        "description": VALUES,
        "remediation": VALUES,
        "message": st.one_of(st.sampled_from(["{{value}}", "{{params.x}}", "{{ nope }}", "{{"]), VALUES),
        "given": st.one_of(st.sampled_from(["$.spec.ports[*]", "$..x", "$[?(@.a", "spec.type", "$"]), VALUES),
        "match": st.one_of(
            st.fixed_dictionaries({}, optional={"kinds": VALUES, "when": VALUES, "apiVersions": VALUES}), VALUES
        ),
        "then": st.one_of(
            st.fixed_dictionaries(
                {"function": st.sampled_from(["pattern", "inRange", "enum", "selectedPods", "nope", "forbidden"])},
                optional={
                    "field": VALUES,
                    "functionOptions": st.one_of(
                        st.fixed_dictionaries(
                            {}, optional={"match": st.sampled_from(["(a+)+$", "^a$", "(", "x" * 600])}
                        ),
                        VALUES,
                    ),
                },
            ),
            VALUES,
        ),
        "examples": VALUES,
        "tags": VALUES,
    },
)


@FUZZ
@given(data=RULE_FIELDS)
def test_random_rule_files_load_or_fail_cleanly(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        load_rule_file(path, REGISTRY)
    except RuleError as err:
        assert err.problems and all(p.startswith(f"{path}:") for p in err.problems)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_a_rule_file_fail_cleanly(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "rule.yaml"
    path.write_bytes(raw)
    with pytest.raises(RuleError):
        load_rule_file(path, REGISTRY)  # no random bytes make a whole rule


@st.composite
def aliased_values(draw: st.DrawFn, depth: int = 0, anchors: list[str] | None = None) -> str:
    """A flow value with anchors and aliases; an alias may name a collection it sits in (a recursive alias)."""
    anchors = [] if anchors is None else anchors
    shape = draw(st.sampled_from(["scalar", "alias", "sequence", "mapping"] if depth < 4 else ["scalar", "alias"]))
    if shape == "scalar" or (shape == "alias" and not anchors):
        return draw(st.sampled_from(["1", "x", "''", "null", "80"]))
    if shape == "alias":
        return "*" + draw(st.sampled_from(anchors))
    anchor = ""
    if draw(st.booleans()):
        anchor = f"&a{len(anchors)} "
        anchors.append(f"a{len(anchors)}")  # defined as it opens: aliases inside it refer to an ancestor
    items = [draw(aliased_values(depth + 1, anchors)) for _ in range(draw(st.integers(0, 3)))]
    if shape == "sequence":
        return anchor + "[" + ", ".join(items) + "]"
    return anchor + "{" + ", ".join(f"k{n}: {item}" for n, item in enumerate(items)) + "}"


@FUZZ
@given(values=st.lists(aliased_values(), min_size=1, max_size=3))
def test_random_aliases_through_every_rule(tmp_path: Path, values: list[str]) -> None:
    fields = "".join(f"  f{n}: {value}\n" for n, value in enumerate(values))
    text = f"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n{fields}"
    result = lint_everything(tmp_path, {"fuzz.yaml": text})
    lines = text.splitlines()
    for finding in result.findings:
        assert_located_in(finding, text.encode())
        if "refers to a collection that contains it" in finding.message:
            span = finding.location.span
            assert lines[span.start_line - 1][span.start_col - 1] == "*", finding


@st.composite
def nested_near_the_limit(draw: st.DrawFn) -> tuple[str, int]:
    """A Service nested MAX_DEPTH - 1, MAX_DEPTH or MAX_DEPTH + 1 levels deep: block mappings (one column of
    indentation per level), then flow sequences and mappings in any order. Returns the text and its depth."""
    from svclint.input.parsing.depth import MAX_DEPTH

    depth = MAX_DEPTH + draw(st.integers(-1, 1))
    block = draw(st.integers(1, depth - 1))  # the document and `spec:` hold the first block level
    flow = depth - 1 - block
    kinds = draw(st.lists(st.sampled_from("[{"), min_size=flow, max_size=flow))
    opening = "".join("[" if kind == "[" else "{a: " for kind in kinds)
    closing = "".join("]" if kind == "[" else "}" for kind in reversed(kinds))
    lines = [" " * (level + 1) + "a:" for level in range(block)]
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: deep\nspec:\n" + "\n".join(lines)
    return f"{text} {opening}1{closing}\n" if flow else f"{text} 1\n", depth


@settings(FUZZ, max_examples=8)
@given(case=nested_near_the_limit())
def test_random_nesting_at_the_limit_through_every_rule(tmp_path: Path, case: tuple[str, int]) -> None:
    from svclint.input.parsing.depth import MAX_DEPTH

    text, depth = case
    result = lint_everything(tmp_path, {"deep.yaml": text})
    refused = [f for f in result.findings if "nested deeper than" in f.message]
    assert len(refused) == (1 if depth > MAX_DEPTH else 0), result.findings
    for finding in result.findings:
        assert_located_in(finding, text.encode())


COMMENT_LINES = st.sampled_from(
    ["# svclint: ignore", "# svclint: ignore[SVC101] reason", "# svclint: ignore[SVC308, nope]",
     "# svclint: ignore-file[SVC109]", "#svclint:ignore", "# plain comment", "", "  # svclint: ignore[SVC101]",
     "x: '# svclint: ignore'", 'y: "\u2028"  # svclint: ignore[SVC101]']
)  # fmt: skip


@FUZZ
@given(flood=st.lists(COMMENT_LINES, max_size=200), at=st.integers(0, 8))
def test_random_comment_floods_through_every_rule(tmp_path: Path, flood: list[str], at: int) -> None:
    service = NODEPORT.splitlines()
    text = "\n".join([*service[:at], *(line for line in flood if not line.startswith(("x:", "y:"))), *service[at:]])
    text += "\n" + "\n".join(line for line in flood if line.startswith(("x:", "y:"))) + "\n"
    result = lint_everything(tmp_path, {"flood.yaml": text})
    lines = text.split("\n")
    for finding in result.findings:
        assert_located_in(finding, text.encode())
        if finding.rule_id == "SVC009":  # an unused suppression is reported at its own comment
            assert "svclint:" in lines[finding.location.span.start_line - 1][finding.location.span.start_col - 1 :]


# --- Resource exhaustion ---------------------------------------------------------------------------------------

# The payload of CVE-2019-11253, which took API servers down: nine levels of ten aliases, 10^9 strings.
BILLION_LAUGHS = """\
apiVersion: v1
kind: Service
metadata:
  name: laughs
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_and_reported(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(BILLION_LAUGHS)
    started = time.monotonic()
    proc = svclint("bomb.yaml", cwd=tmp_path, timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode == 1 and proc.stderr == b""
    assert b"bomb.yaml:1:1: error SVC006" in proc.stdout
    assert b"billion laughs" in proc.stdout


@pytest.mark.parametrize("style", ["flow", "block"])
def test_nesting_ten_thousand_levels_deep(tmp_path: Path, style: str) -> None:
    depth = 10_000
    if style == "flow":
        text = "apiVersion: v1\nkind: Service\nspec: " + "[" * depth + "]" * depth + "\n"
    else:  # a sequence of sequences: `- - - ...` nests one level per two characters
        text = "apiVersion: v1\nkind: Service\nspec:\n" + "- " * depth + "x\n"
    (tmp_path / "deep.yaml").write_text(text)
    proc = svclint("deep.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    line = 3 if style == "flow" else 4
    assert f"deep.yaml:{line}:".encode() in proc.stdout and b"SVC006" in proc.stdout


def test_a_50_mb_file_is_reported_not_read_into_the_rules(tmp_path: Path) -> None:
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{}\nspec:\n  ports:\n  - port: 80\n---\n"
    block = "".join(service.format(i) for i in range(1000)).encode()
    with (tmp_path / "huge.yaml").open("wb") as out:
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            out.write(block)
    assert (tmp_path / "huge.yaml").stat().st_size > 50 * 1024 * 1024
    proc = svclint("huge.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert b"huge.yaml:1:1: error SVC006" in proc.stdout and b"over the 32 MiB limit" in proc.stdout


def test_one_10_mb_line_keeps_exact_columns(tmp_path: Path) -> None:
    filler = "x" * (10 * 1024 * 1024)
    text = f'{{apiVersion: v1, kind: Service, metadata: {{name: long, annotations: {{a: "{filler}"}}}}, ' + (
        "spec: {type: NodePort, ports: [{port: 80, nodePort: 29999}]}}\n"
    )
    (tmp_path / "line.yaml").write_text(text)
    proc = svclint("--format", "text", "--disable", "SVC308", "line.yaml", cwd=tmp_path)
    column = text.index("29999") + 1
    assert proc.returncode == 1, proc.stderr
    assert f"line.yaml:1:{column}: error SVC101".encode() in proc.stdout


# --- Encodings: positions stay exact ---------------------------------------------------------------------------

NODEPORT = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n"
    "    nodePort: 29999\n"
)


@pytest.mark.parametrize(
    ("label", "encode"),
    [
        ("crlf", lambda text: text.replace("\n", "\r\n").encode()),
        ("bom", lambda text: b"\xef\xbb\xbf" + text.encode()),
        ("utf-16-le", lambda text: text.encode("utf-16")),
        ("utf-16-be", lambda text: b"\xfe\xff" + text.encode("utf-16-be")),
    ],
)
def test_line_ends_and_encodings_keep_positions(tmp_path: Path, label: str, encode: Any) -> None:
    (tmp_path / f"{label}.yaml").write_bytes(encode(NODEPORT))
    proc = svclint("--disable", "SVC308", f"{label}.yaml", cwd=tmp_path)
    assert proc.stdout.decode().splitlines()[0].startswith(f"{label}.yaml:9:15: error SVC101")


# --- Files and streams that are not what they seem --------------------------------------------------------------


def test_symlink_loops_and_dangling_links_in_a_walk(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(NODEPORT)
    (tmp_path / "loop-a.yaml").symlink_to("loop-b.yaml")
    (tmp_path / "loop-b.yaml").symlink_to("loop-a.yaml")
    (tmp_path / "dangling.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)  # a directory loop: not followed
    proc = svclint("--disable", "SVC308", ".", cwd=tmp_path)
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "dangling.yaml:1:1: error SVC005 cannot read: No such file or directory" in out
    assert "loop-a.yaml:1:1: error SVC005 cannot read: Too many levels of symbolic links" in out
    assert "ok.yaml:9:15: error SVC101" in out
    assert "sub/up" not in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_and_directory_in_a_walk(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(NODEPORT)
    (tmp_path / "secret.yaml").chmod(0)
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed").chmod(0)
    try:
        proc = svclint(".", cwd=tmp_path)
    finally:
        (tmp_path / "closed").chmod(stat.S_IRWXU)
    out = proc.stdout.decode()
    assert "secret.yaml:1:1: error SVC005 cannot read: permission denied" in out
    assert "closed:1:1: error SVC005 cannot read directory" in out


def test_a_fifo_and_a_socket_in_a_walk_are_reported_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "sock.yaml"))
    try:
        proc = svclint(".", cwd=tmp_path, timeout=30)
    finally:
        listener.close()
    out = proc.stdout.decode()
    assert "pipe.yaml:1:1: error SVC005 not a regular file" in out
    assert "sock.yaml:1:1: error SVC005 not a regular file" in out


def test_stdin_closed_before_start(tmp_path: Path) -> None:
    proc = svclint("-", cwd=tmp_path, stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert proc.returncode == 0 and proc.stderr == b""
    assert b"checked 1 file, 0 documents" in proc.stdout


def test_stdin_that_ends_mid_document(tmp_path: Path) -> None:
    proc = svclint("--stdin-filename", "cut.yaml", "-", cwd=tmp_path, input=NODEPORT.encode()[:-12])
    assert proc.returncode == 1 and proc.stderr == b""
    # `    node`, cut off: the error is at the end of the last line, as yamllint and editors put it
    assert b"cut.yaml:9:9: error SVC001 could not find expected ':'" in proc.stdout


def test_stdout_closed_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(NODEPORT)
    proc = subprocess.run(
        [sys.executable, "-m", "svclint", "lint", "a.yaml"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == (
        "svclint: error: cannot write the report: standard output is closed (use --output FILE)"
    )


# --- Rule files that try to be code ----------------------------------------------------------------------------

RULE = """\
id: X001
name: x-rule
title: A rule
severity: warning
description: d
remediation: r
message: m
given: $.spec.type
match: {kinds: [Service]}
then:
  function: pattern
  functionOptions: {match: "^ClusterIP$"}
examples:
  valid: ["apiVersion: v1\\nkind: Service\\nspec: {type: ClusterIP}\\n"]
  invalid: ["apiVersion: v1\\nkind: Service\\nspec: {type: NodePort}  # <-\\n"]
"""


@pytest.mark.parametrize(
    ("change", "position", "complaint"),
    [
        (("title: A rule", "title: !!python/object/apply:os.system [echo owned]"), ":3:8:", "tags"),
        (("description: d", "description: !!python/name:os.system"), ":5:14:", "tags"),
        (('{match: "^ClusterIP$"}', '{match: "(a)\\\\1"}'), ":12:28:", "no backreferences"),
        (('{match: "^ClusterIP$"}', '{match: "' + "a" * 5000 + '"}'), ":12:28:", "is too long"),
        (("given: $.spec.type", "given: " + "$" + "[0]" * 100_000), ":8:8:", "is too long"),
    ],
)
def test_rule_files_that_try_to_be_code_are_refused(
    tmp_path: Path, change: tuple[str, str], position: str, complaint: str | None
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "x.yaml").write_text(RULE.replace(*change))
    (tmp_path / "a.yaml").write_text(NODEPORT)
    proc = svclint("--rules", "rules", "a.yaml", cwd=tmp_path, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and proc.stdout == b"" and "Traceback" not in err
    assert len(err) < 600  # one line, even when the offending value is huge
    assert f"rules/x.yaml{position}" in err
    if complaint is not None:
        assert complaint in err
    assert "owned" not in err
