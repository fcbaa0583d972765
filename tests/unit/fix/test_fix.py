"""`svclint lint --fix / --diff / --unsafe-fixes`: edits at the values' exact bytes, and nothing else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS
from svclint.cli import cli
from svclint.core.model import FieldPath, Finding
from svclint.fix.apply import FixedFile, fix_bytes
from svclint.fix.files import FixWriteError, write_fixed
from svclint.fix.scalars import render_scalar
from svclint.input.parsing.loader import LoadOptions, load_bytes

THREE_PROBLEMS = """\
# Served by the web Deployment
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: loadbalancer   # for the shop
  selector:
    app: web
  ports:
  - name: http
    port: "80"
    protocol: tcp
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", "--disable", "SVC301", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_diff_prints_the_fixes_and_changes_nothing(workdir: Path) -> None:
    (workdir / "web.yaml").write_text(THREE_PROBLEMS)
    code, out, err = invoke("--diff", "web.yaml")
    assert code == 1
    assert out == (
        "--- web.yaml\n"
        "+++ web.yaml\n"
        "@@ -4,10 +4,10 @@\n"
        " metadata:\n"
        "   name: web\n"
        " spec:\n"
        "-  type: loadbalancer   # for the shop\n"
        "+  type: LoadBalancer   # for the shop\n"
        "   selector:\n"
        "     app: web\n"
        "   ports:\n"
        "   - name: http\n"
        '-    port: "80"\n'
        "-    protocol: tcp\n"
        "+    port: 80\n"
        "+    protocol: TCP\n"
    )
    assert "3 fixes available" in err
    assert (workdir / "web.yaml").read_text() == THREE_PROBLEMS


def test_diff_exits_0_when_nothing_can_be_fixed(workdir: Path) -> None:
    clean_but_http = THREE_PROBLEMS.replace("tcp", "HTTP").replace('"80"', "80").replace("loadbalancer", "LoadBalancer")
    (workdir / "web.yaml").write_text(clean_but_http)
    code, out, err = invoke("--diff", "web.yaml")
    assert (code, out) == (0, "")
    assert "0 fixes available" in err


def test_fix_edits_only_the_values_and_reports_what_is_left(workdir: Path) -> None:
    (workdir / "web.yaml").write_text(THREE_PROBLEMS.replace("protocol: tcp", "protocol: HTTP"))
    code, out, err = invoke("--fix", "web.yaml")
    fixed = (workdir / "web.yaml").read_text()
    assert fixed == THREE_PROBLEMS.replace("protocol: tcp", "protocol: HTTP").replace(
        "loadbalancer", "LoadBalancer"
    ).replace('"80"', "80")
    assert code == 1  # HTTP has no certain fix: it is reported after the pass
    assert "SVC113" in out and "SVC124" not in out and "SVC010" not in out
    assert "fixed 2 problems in 1 file" in err


def test_unsafe_fixes_apply_only_when_asked(workdir: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n  - port: 5432\n    nodePort: 30432\n"
    )
    (workdir / "db.yaml").write_text(text)
    code, _, err = invoke("--fix", "db.yaml")
    assert code == 1 and (workdir / "db.yaml").read_text() == text
    assert "1 more with --unsafe-fixes" in err
    code, out, _ = invoke("--fix", "--unsafe-fixes", "db.yaml")
    assert (workdir / "db.yaml").read_text() == text.replace("    nodePort: 30432\n", "")
    assert "SVC120" not in out


def test_fixes_uncovered_by_earlier_fixes_are_made_in_later_passes(workdir: Path) -> None:
    # Until the type reads NodePort, the traffic policy rule does not look at this Service.
    text = THREE_PROBLEMS.replace("type: loadbalancer", "type: nodeport\n  externalTrafficPolicy: local")
    (workdir / "web.yaml").write_text(text)
    invoke("--fix", "web.yaml")
    assert "type: NodePort\n  externalTrafficPolicy: Local   # for the shop\n" in (workdir / "web.yaml").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fix", "-"), "not on standard input"),
        (("--fix", "--diff", "web.yaml"), "do not go together"),
        (("--unsafe-fixes", "web.yaml"), "goes with --fix or --diff"),
    ],
)
def test_fix_usage_errors(workdir: Path, args: tuple[str, ...], message: str) -> None:
    (workdir / "web.yaml").write_text(THREE_PROBLEMS)
    code, _, err = invoke(*args)
    assert code == 2 and message in err


def _findings(path: Path, raw: bytes) -> list[Finding]:
    from svclint.run.pipeline import lint
    from svclint.run.rules import load_all_rules
    from svclint.run.settings import LintSettings

    path.write_bytes(raw)
    settings = LintSettings(paths=[str(path)], use_cache=False, jobs=1)
    return [f for f in lint(settings, load_all_rules(settings)).findings if f.fix is not None]


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / "web.yaml"
    raw = THREE_PROBLEMS.encode()
    fixed = fix_bytes(str(target), raw, _findings(target, raw))
    assert fixed.changed
    target.write_text(THREE_PROBLEMS + "# edited meanwhile\n")
    with pytest.raises(FixWriteError, match="changed since svclint read it"):
        write_fixed(fixed, 1 << 20)
    assert target.read_text().endswith("# edited meanwhile\n")


def test_a_link_is_never_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(THREE_PROBLEMS)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    fixed = FixedFile(str(link), THREE_PROBLEMS.encode(), b"changed")
    with pytest.raises(FixWriteError, match="symbolic link"):
        write_fixed(fixed, 1 << 20)
    assert real.read_text() == THREE_PROBLEMS


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # CRLF line ends and a byte order mark stay; the comment after the value stays.
        (
            b"\xef\xbb\xbfapiVersion: v1\r\nkind: Service\r\nmetadata: {name: w}\r\nspec:\r\n"
            b"  ports:\r\n  - port: 80\r\n    protocol: 'udp' # dns\r\n",
            b"\xef\xbb\xbfapiVersion: v1\r\nkind: Service\r\nmetadata: {name: w}\r\nspec:\r\n"
            b"  ports:\r\n  - port: 80\r\n    protocol: 'UDP' # dns\r\n",
        ),
        # A name added to a flow mapping, and to a block mapping that starts a sequence item.
        (
            b"kind: Service\napiVersion: v1\nmetadata: {name: w}\nspec:\n  ports: [{port: 80}, {name: b, port: 81}]\n",
            b"kind: Service\napiVersion: v1\nmetadata: {name: w}\nspec:\n"
            b"  ports: [{name: tcp-80, port: 80}, {name: b, port: 81}]\n",
        ),
        # A field removed from the first line of a sequence item, with non-ASCII text before it.
        (
            "kind: Service\napiVersion: v1\nmetadata: {name: wé}\nspec:\n  ports:\n"
            "  - nodePort: 30080 # zurück\n    port: 80\n".encode(),
            "kind: Service\napiVersion: v1\nmetadata: {name: wé}\nspec:\n  ports:\n  - port: 80\n".encode(),
        ),
        # An item of a kind: List, in the second document of the file.
        (
            b"---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\n---\napiVersion: v1\nkind: List\nitems:\n"
            b'- apiVersion: v1\n  kind: Service\n  metadata: {name: w}\n  spec:\n    type: "nodeport"\n'
            b"    ports: [{port: 80, nodePort: 30080}]\n",
            b"---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\n---\napiVersion: v1\nkind: List\nitems:\n"
            b'- apiVersion: v1\n  kind: Service\n  metadata: {name: w}\n  spec:\n    type: "NodePort"\n'
            b"    ports: [{port: 80, nodePort: 30080}]\n",
        ),
    ],
)
def test_fixes_keep_every_other_byte(tmp_path: Path, before: bytes, after: bytes) -> None:
    target = tmp_path / "svc.yaml"
    found = [f for f in _findings(target, before) if f.rule_id != "SVC120" or b"30080 #" in before]
    assert fix_bytes(str(target), before, found).fixed == after


def test_an_anchored_value_is_not_edited(tmp_path: Path) -> None:
    raw = (
        b"apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec:\n  ports:\n"
        b"  - {name: a, port: 80, protocol: &p tcp}\n  - {name: b, port: 81, protocol: *p}\n"
    )
    target = tmp_path / "svc.yaml"
    found = _findings(target, raw)
    assert found and fix_bytes(str(target), raw, found).fixed == raw


@pytest.mark.parametrize(
    ("value", "replaced", "written"),
    [("TCP", "tcp", "TCP"), ("TCP", '"tcp"', '"TCP"'), ("it's", "'x'", "'it''s'"), ("yes", "x", '"yes"'),
     ("a: b", "x", '"a: b"'), ("80", "x", '"80"'), (80, '"80"', "80"), (True, "x", "true")],
)  # fmt: skip
def test_scalars_are_written_so_that_they_read_back(value: object, replaced: str, written: str) -> None:
    assert render_scalar(value, replaced) == written


def _corpus_manifests() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def test_a_fix_pass_over_the_corpus_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy, symlinks=True)
    monkeypatch.chdir(copy)
    invoke("--fix", "--unsafe-fixes", "--no-cache", ".")
    for original in _corpus_manifests():
        assert (copy / original.relative_to(CORPUS)).read_bytes() == original.read_bytes(), original


def _break_service_values(raw: bytes) -> bytes:
    """The corpus file with the Services' protocols and types in lower case and their port numbers quoted:
    problems whose fixes must give back the original bytes exactly."""
    loaded = load_bytes("x.yaml", raw, LoadOptions())
    text = raw.decode("utf-8")
    lines = text.split("\n")
    edits: list[tuple[int, int, int, str]] = []
    for resource in loaded.resources:
        if resource.kind != "Service" or resource.api_version != "v1":
            continue
        candidates: list[FieldPath] = [("spec", "type")]
        ports = resource.get(("spec", "ports"))
        for index in range(len(ports) if isinstance(ports, list) else 0):
            candidates += [("spec", "ports", index, "protocol"), ("spec", "ports", index, "port")]
        for path in candidates:
            value, span = resource.get(path), resource.value_span(path)
            if span is None or span.start_line != span.end_line or isinstance(value, bool) or "$" in str(value):
                continue  # envsubst placeholders are linted as their defaults, and fixed never
            line = lines[span.start_line - 1]
            if line[span.start_col - 1 : span.end_col - 1] != str(value):
                continue  # quoted, or not this value's own text
            broken = f'"{value}"' if path[-1] == "port" else str(value).lower()
            if broken != str(value) and isinstance(value, int if path[-1] == "port" else str):
                edits.append((span.start_line - 1, span.start_col - 1, span.end_col - 1, broken))
    for line_no, start, end, broken in sorted(edits, reverse=True):
        lines[line_no] = lines[line_no][:start] + broken + lines[line_no][end:]
    return "\n".join(lines).encode("utf-8")


def test_fixes_over_the_corpus_give_back_its_exact_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_files = 0
    for original in _corpus_manifests():
        raw = original.read_bytes()
        if b"kind: Service" not in raw or b"{{" in raw:
            continue
        broken = _break_service_values(raw)
        if broken != raw:
            target = tmp_path / original.relative_to(CORPUS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(broken)
            broken_files += 1
    assert broken_files > 50
    monkeypatch.chdir(tmp_path)
    invoke("--fix", "--no-cache", ".")
    for target in sorted(tmp_path.rglob("*")):
        if target.is_file():
            assert target.read_bytes() == (CORPUS / target.relative_to(tmp_path)).read_bytes(), target


def test_the_fixing_page_lists_every_fix_with_its_safety() -> None:
    import re

    from conftest import REPO, builtin_rules

    page = (REPO / "docs" / "fixing.md").read_text()
    listed = dict(re.findall(r"^\| \[(SVC\d+)\]\(rules/SVC\d+\.md\) [a-z-]+ \| .* \| (safe|unsafe) \|$", page, re.M))
    declared = {rule.id: "safe" if rule.fix.safe else "unsafe" for rule in builtin_rules() if rule.fix is not None}
    assert listed == declared


def test_only_files_inside_the_paths_given_are_fixed(tmp_path: Path) -> None:
    from svclint.fix.files import fix_files

    inside, outside = tmp_path / "k8s", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    found = _findings(outside / "web.yaml", THREE_PROBLEMS.encode())
    assert len(found) == 3
    assert fix_files(found, False, 1 << 20, [str(inside)]) == []
    assert [f.path for f in fix_files(found, False, 1 << 20, [str(outside)])] == [str(outside / "web.yaml")]


def test_a_kustomize_patch_is_fixed_in_its_own_text_and_the_base_is_left_alone(workdir: Path) -> None:
    (workdir / "base").mkdir()
    (workdir / "overlay").mkdir()
    (workdir / "base" / "kustomization.yaml").write_text("resources: [service.yaml]\n")
    base = THREE_PROBLEMS.replace("tcp", "TCP").replace('"80"', "80").replace("loadbalancer", "LoadBalancer")
    (workdir / "base" / "service.yaml").write_text(base)
    (workdir / "overlay" / "kustomization.yaml").write_text("resources: [../base]\npatches:\n- path: patch.yaml\n")
    patch = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    protocol: tcp\n"
    (workdir / "overlay" / "patch.yaml").write_text(patch)
    code, out, _ = invoke("--fix", "--no-cache", ".")
    assert (code, out.count("error")) == (0, 0)
    assert (workdir / "overlay" / "patch.yaml").read_text() == patch.replace("tcp", "TCP")
    assert (workdir / "base" / "service.yaml").read_text() == base
