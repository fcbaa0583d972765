"""What the user sees: escaped untrusted text, one spelling of paths, a summary on stderr when the report goes
to a file, several reports in one run, colour, source lines, statistics and progress."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from svclint.cli import cli
from svclint.reporters.progress import ProgressLine

HOSTILE_NAME = """\
apiVersion: v1
kind: Service
metadata:
  name: "x\\e[31mRED\\e[0m\\r\\nfake.yaml:1:1: error \\u202e"
spec:
  selector: {app: x}
  ports: [{port: 80}]
"""

NODEPORT = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    nodePort: 29999
"""


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--no-config", *args], input=input, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


# Untrusted text


@pytest.mark.parametrize("fmt", ["text", "github", "gitlab", "json", "sarif"])
def test_control_characters_in_names_are_escaped(workdir: Path, fmt: str) -> None:
    (workdir / "svc.yaml").write_text(HOSTILE_NAME)
    code, out, _ = invoke("-f", fmt, "svc.yaml")
    assert code == 1
    raw = out if fmt in ("text", "github") else json.dumps(json.loads(out), ensure_ascii=False)
    assert "\x1b" not in raw and "\r" not in raw and "\u202e" not in raw
    if fmt == "text":
        finding = [line for line in out.splitlines() if "SVC102" in line]
        assert len(out.splitlines()) == 2 and len(finding) == 1  # one finding, one line, then the summary
        assert '"x\\x1b[31mRED\\x1b[0m\\r\\nfake.yaml:1:1: error \\u202e"' in finding[0]
    if fmt == "github":
        assert out.count("\n") == 1 and "\\x1b[31mRED" in out
    if fmt == "json":
        assert "\\x1b[31mRED" in json.loads(out)["findings"][0]["message"]


def test_file_names_are_escaped(workdir: Path) -> None:
    name = "evil\x1b[2J.yaml"
    (workdir / name).write_text(HOSTILE_NAME.replace("x\\e[31mRED\\e[0m\\r\\nfake.yaml:1:1: error \\u202e", "Bad"))
    code, out, _ = invoke(name)
    assert code == 1
    assert out.startswith("evil\\x1b[2J.yaml:4:9: error SVC102")


# A report written to a file still tells the terminal why the run failed


def test_report_to_a_file_prints_the_failing_findings_and_summary_on_stderr(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, err = invoke("--disable", "SVC308", "-f", "sarif", "-o", "x.sarif", "svc.yaml")
    assert code == 1 and out == ""
    assert "svc.yaml:10:15: error SVC101 spec.ports[0].nodePort 29999" in err
    assert err.splitlines()[-1] == (
        "Found 1 problem (1 error) in 1 file; checked 1 file, 1 document. Report written to x.sarif."
    )
    assert json.loads((workdir / "x.sarif").read_text())["runs"][0]["results"]


def test_quiet_silences_stderr(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, err = invoke("-q", "-f", "sarif", "-o", "x.sarif", "svc.yaml")
    assert (code, out, err) == (1, "", "")
    code, out, _ = invoke("-q", "--disable", "SVC308", "svc.yaml")
    assert code == 1 and out.splitlines() == [out.splitlines()[0]] and "SVC101" in out  # no summary line


def test_stderr_digest_is_capped(workdir: Path) -> None:
    services = "---\n".join(NODEPORT.replace("name: web", f"name: web{i}") for i in range(25))
    (workdir / "many.yaml").write_text(services)
    _, _, err = invoke("--disable", "SVC308", "-f", "json", "-o", "x.json", "many.yaml")
    listed = [line for line in err.splitlines() if line.startswith("many.yaml:")]
    assert len(listed) == 20 and all(" error " in line for line in listed)
    assert err.splitlines()[20].startswith("... and ") and err.splitlines()[20].endswith(" more failing findings")


# Paths: one spelling, relative to the repository root


def test_stdin_has_one_name_in_every_format(workdir: Path) -> None:
    _, text, _ = invoke("--disable", "SVC308", "-", input=NODEPORT)
    _, sarif, _ = invoke("--disable", "SVC308", "-f", "sarif", "-", input=NODEPORT)
    _, github, _ = invoke("--disable", "SVC308", "-f", "github", "-", input=NODEPORT)
    assert text.startswith("stdin:10:15: error SVC101")
    assert github.startswith("::error file=stdin,line=10")
    location = json.loads(sarif)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "stdin"}


def test_paths_are_relative_to_the_repository_root(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / ".git").mkdir()
    (workdir / "k8s").mkdir()
    (workdir / "k8s" / "svc.yaml").write_text(NODEPORT)
    (workdir / "tools").mkdir()
    monkeypatch.chdir(workdir / "tools")
    args = ("--disable", "SVC308", str(workdir / "k8s" / "svc.yaml"))
    _, text, _ = invoke(*args)
    _, github, _ = invoke("-f", "github", *args)
    _, gitlab, _ = invoke("-f", "gitlab", *args)
    _, sarif, _ = invoke("-f", "sarif", *args)
    _, relative, _ = invoke("-f", "json", "--disable", "SVC308", "../k8s/svc.yaml")
    assert text.startswith("k8s/svc.yaml:10:15:")
    assert github.startswith("::error file=k8s/svc.yaml,")
    assert json.loads(gitlab)[0]["location"]["path"] == "k8s/svc.yaml"
    assert json.loads(relative)["findings"][0]["path"] == "k8s/svc.yaml"
    run = json.loads(sarif)["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "k8s/svc.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == workdir.resolve().as_uri() + "/"


# Several reports in one run


def test_text_on_stdout_and_sarif_in_a_file(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, err = invoke("--disable", "SVC308", "-f", "text", "-f", "sarif:x.sarif", "svc.yaml")
    assert code == 1 and err == ""  # the text report on stdout already explains the failure
    assert out.startswith("svc.yaml:10:15: error SVC101")
    assert json.loads((workdir / "x.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "SVC101"


@pytest.mark.parametrize(
    "args, message",
    [
        (("-f", "text", "-f", "sarif", "-o", "x.sarif"), "--output with several formats is ambiguous"),
        (("-f", "text", "-f", "json"), "text and json cannot both go to standard output"),
        (("-f", "yaml:x"), "unknown format 'yaml'"),
        (("-f", "sarif:"), "the file name after ':' is missing"),
        (("-f", "sarif:a", "-f", "json:a"), "two reports cannot go to the same file"),
    ],
)
def test_ambiguous_outputs_are_usage_errors(workdir: Path, args: tuple[str, ...], message: str) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, err = invoke(*args, "svc.yaml")
    assert code == 2 and out == "" and message in err
    assert not (workdir / "x.sarif").exists() and not (workdir / "a").exists()


def test_format_and_output_keep_working(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, _ = invoke("-f", "json", "-o", "x.json", "svc.yaml")
    assert code == 1 and out == ""
    assert json.loads((workdir / "x.json").read_text())["version"] == 1


# Code scanning


def test_related_locations_are_links_in_the_sarif_message(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT + "---\n" + NODEPORT.replace("name: web", "name: web2"))
    _, out, _ = invoke("--disable", "SVC308", "-f", "sarif", "svc.yaml")
    results = json.loads(out)["runs"][0]["results"]
    duplicate = next(r for r in results if "relatedLocations" in r)
    for related in duplicate["relatedLocations"]:
        assert f"]({related['id']})" in duplicate["message"]["text"]


def test_suppressed_results_are_left_out_for_code_scanning(workdir: Path) -> None:
    suppressed = NODEPORT.replace("  name: web\n", "  name: web\n  annotations: {svclint.io/ignore: 'SVC101: test'}\n")
    (workdir / "svc.yaml").write_text(suppressed)
    base = ("--disable", "SVC308", "-f", "sarif", "svc.yaml")
    in_actions = {"GITHUB_ACTIONS": "true"}
    assert len(json.loads(invoke(*base)[1])["runs"][0]["results"]) == 1
    assert json.loads(invoke(*base, env=in_actions)[1])["runs"][0]["results"] == []
    assert json.loads(invoke("--sarif-omit-suppressed", *base)[1])["runs"][0]["results"] == []
    kept = json.loads(invoke("--sarif-keep-suppressed", *base, env=in_actions)[1])["runs"][0]["results"]
    assert len(kept) == 1 and kept[0]["suppressions"]


def test_rule_descriptors_fit_code_scanning(workdir: Path) -> None:
    rules = workdir / "my-rules"
    rules.mkdir()
    (rules / "MY001.yaml").write_text(
        "id: MY001\nname: long-story\ntitle: A rule with a long description\nseverity: warning\n"
        "tags: [security]\ndescription: |\n"
        + "".join(f"  Sentence number {i} explains more.\n" for i in range(60))
        + "remediation: Do better.\nmatch: {kinds: [Service]}\ngiven: $.metadata\n"
        "then: {field: name, function: pattern, functionOptions: {match: '^never$'}}\n"
        "message: '{{value}} is named'\n"
        "examples:\n  invalid: ['{apiVersion: v1, kind: Service, metadata: {name: web}}   # <-']\n"
        "  valid: ['{apiVersion: v1, kind: Service, metadata: {name: never}}']\n"
    )
    (workdir / "svc.yaml").write_text(NODEPORT)
    code, out, err = invoke("--rules", str(rules), "-f", "sarif", "svc.yaml")
    assert code in (0, 1), err
    descriptors = json.loads(out)["runs"][0]["tool"]["driver"]["rules"]
    assert all(len(d["fullDescription"]["text"]) <= 1024 for d in descriptors)
    mine = next(d for d in descriptors if d["id"] == "MY001")
    assert mine["fullDescription"]["text"].endswith("explains more.")
    assert mine["properties"]["security-severity"] == "5.0"
    for descriptor in descriptors:
        if "security" in descriptor["properties"]["tags"]:
            assert float(descriptor["properties"]["security-severity"]) > 0


def test_sarif_columns_count_utf16_code_units(workdir: Path) -> None:
    emoji = 'apiVersion: v1\nkind: Service\nmetadata: {annotations: {note: "\U0001f600"}, name: Bad_Name}\n'
    (workdir / "svc.yaml").write_text(emoji + "spec:\n  selector: {app: x}\n  ports: [{port: 80}]\n")
    _, text, _ = invoke("svc.yaml")
    _, sarif, _ = invoke("-f", "sarif", "svc.yaml")
    assert text.startswith("svc.yaml:3:44: error SVC102")  # code points, as editors count on a line
    run = json.loads(sarif)["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (45, 53)  # the emoji is two UTF-16 units


def test_sarif_columns_and_source_lines_stay_exact_over_many_files(workdir: Path) -> None:
    """Reports hold the lines of only a few files at a time; files read earlier keep their UTF-16 columns."""
    emoji = 'apiVersion: v1\nkind: Service\nmetadata: {annotations: {note: "\U0001f600"}, name: Bad_Name}\n'
    for number in range(20):
        (workdir / f"svc{number:02}.yaml").write_text(emoji + "spec:\n  selector: {app: x}\n  ports: [{port: 80}]\n")
    _, sarif, _ = invoke("-f", "sarif", "--disable", "SVC307", ".")
    results = json.loads(sarif)["runs"][0]["results"]
    regions = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["locations"][0]["physicalLocation"][
            "region"
        ]
        for r in results
    }
    assert len(regions) == 20
    assert {(r["startColumn"], r["endColumn"]) for r in regions.values()} == {(45, 53)}
    _, text, _ = invoke("--show-source", "--disable", "SVC307", ".")
    assert text.count('  3 | metadata: {annotations: {note: "\U0001f600"}, name: Bad_Name}') == 20


# The terminal


def test_source_line_with_a_caret_under_the_span(workdir: Path) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    _, out, _ = invoke("--disable", "SVC308", "--show-source", "svc.yaml")
    lines = out.splitlines()
    assert lines[1] == "  10 |     nodePort: 29999"
    assert lines[2] == "     |               ^^^^^"
    _, plain, _ = invoke("--disable", "SVC308", "svc.yaml")
    assert "^" not in plain  # not a terminal: no source by default


def test_caret_is_placed_after_escaped_and_wide_characters(workdir: Path) -> None:
    text = 'apiVersion: v1\nkind: Service\nmetadata: {annotations: {n: "\t\u754c"}, name: Bad_Name}\n'
    (workdir / "svc.yaml").write_text(text + "spec:\n  selector: {app: x}\n  ports: [{port: 80}]\n")
    _, out, _ = invoke("--show-source", "svc.yaml")
    source, caret = out.splitlines()[1:3]
    assert source == '  3 | metadata: {annotations: {n: "\\t\u754c"}, name: Bad_Name}'
    assert caret.index("^") == source.index("Bad_Name") + 1  # the wide character takes two cells
    assert caret.count("^") == len("Bad_Name")


def test_statistics_count_findings_per_rule(workdir: Path) -> None:
    services = "---\n".join(NODEPORT.replace("name: web", f"name: web{i}") for i in range(3))
    (workdir / "svc.yaml").write_text(services)
    code, out, _ = invoke("--statistics", "svc.yaml")
    assert code == 1
    assert out.splitlines() == [
        "3  SVC101   nodeport-out-of-range          error",
        "3  SVC308   node-port-for-external-access  note",
        "2  SVC206   node-port-collision            error",
        "Found 8 problems (5 errors, 3 notes) in 1 file; checked 1 file, 3 documents.",
    ]
    assert not any(line.startswith("svc.yaml:") for line in out.splitlines())


@pytest.mark.parametrize(
    "args, env, colored",
    [
        (("--color", "always"), {}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {}, False),  # not a terminal
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ],
)
def test_color(workdir: Path, args: tuple[str, ...], env: dict[str, str], colored: bool) -> None:
    (workdir / "svc.yaml").write_text(NODEPORT)
    _, out, _ = invoke(*args, "svc.yaml", env=env)
    assert ("\x1b[" in out) is colored


def test_progress_waits_a_second_then_counts_and_erases_itself() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = ProgressLine(stream, clock=lambda: now[0])
    progress(1, 300)
    assert stream.getvalue() == ""  # short runs print nothing
    now[0] = 1.5
    progress(120, 300)
    now[0] = 1.55
    progress(121, 300)  # too soon to redraw
    now[0] = 1.7
    progress(300, 300)
    progress.finish()
    assert stream.getvalue() == (
        "\rsvclint: 120/300 files" + "\rsvclint: 300/300 files" + "\r" + " " * len("svclint: 300/300 files") + "\r"
    )


def test_source_lines_never_open_a_fifo_again(workdir: Path) -> None:
    from svclint.reporters.source import SourceLines

    os.mkfifo(workdir / "stream.yaml")  # no writer: a blocking open would wait forever
    assert SourceLines().line("stream.yaml", 1) is None
