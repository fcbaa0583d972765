"""Suppressions leave a trace: kept in SARIF, counted, hidden from text unless asked, and reported when unused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import by_rule, lines_of, run_files
from svclint.cli import cli
from svclint.core.model import Finding

BASE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
{annotations}spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
{comment_above}    nodePort: 29999{comment_inline}
"""


def service(annotations: str = "", above: str = "", inline: str = "") -> str:
    return BASE.format(
        annotations=annotations,
        comment_above=f"    {above}\n" if above else "",
        comment_inline=f"  {inline}" if inline else "",
    )


def active(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppression is None]


@pytest.mark.parametrize(
    "text",
    [
        service(inline="# svclint: ignore[SVC101] cluster uses 20000-32767"),
        service(above="# svclint: ignore[nodeport-out-of-range] cluster uses 20000-32767"),
        service(annotations="  annotations:\n    svclint.io/ignore: 'SVC101: cluster uses 20000-32767'\n"),
        "# svclint: ignore-file[SVC101] cluster uses 20000-32767\n" + service(),
    ],
    ids=["inline", "line-above", "annotation", "file"],
)
def test_each_form_suppresses_with_its_reason(tmp_path: Path, text: str) -> None:
    findings = run_files(tmp_path, {"svc.yaml": text}, disable=("SVC308",)).findings
    (finding,) = by_rule(findings, "SVC101")
    assert finding.suppression is not None
    assert finding.suppression.kind == "inSource"
    assert finding.suppression.justification == "cluster uses 20000-32767"
    assert by_rule(findings, "SVC009") == []


def test_a_comment_covers_only_its_line(tmp_path: Path) -> None:
    text = service(above="# svclint: ignore[SVC101] reason").replace("  - port: 80\n", "  - port: 80\n  # unrelated\n")
    findings = run_files(tmp_path, {"svc.yaml": text}, disable=("SVC308",)).findings
    assert by_rule(active(findings), "SVC101") == []  # the comment line above still targets the nodePort line
    other = service(above="# svclint: ignore[SVC308] not this one")
    findings = run_files(tmp_path, {"svc.yaml": other}).findings
    assert lines_of(by_rule(active(findings), "SVC101")) == [12]  # below the comment
    assert lines_of(by_rule(findings, "SVC009")) == [11]  # the comment: unused, SVC308 is reported at line 6


def test_suppression_without_reason_is_counted(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"svc.yaml": service(inline="# svclint: ignore[SVC101]")}, disable=("SVC308",))
    assert result.suppressions.suppressed == 1 and result.suppressions.without_reason == 1
    (finding,) = by_rule(result.findings, "SVC101")
    assert finding.suppression is not None and finding.suppression.justification == "(no reason given)"


def test_blanket_ignore_covers_every_rule_on_the_line(tmp_path: Path) -> None:
    findings = run_files(tmp_path, {"svc.yaml": service(inline="# svclint: ignore legacy port")}).findings
    assert by_rule(active(findings), "SVC101") == []


def test_unused_and_unknown_suppressions_are_reported(tmp_path: Path) -> None:
    text = service(annotations="  annotations:\n    svclint.io/ignore: 'SVC303: no external IPs here; SVC999'\n")
    findings = run_files(tmp_path, {"svc.yaml": text}, disable=("SVC308",)).findings
    messages = [f.message for f in by_rule(findings, "SVC009")]
    assert lines_of(by_rule(findings, "SVC009")) == [6, 6]
    assert any("SVC303" in m and "matches no finding" in m for m in messages)
    assert any("unknown rule SVC999" in m for m in messages)


def test_a_suppression_for_a_rule_that_is_off_is_not_unused(tmp_path: Path) -> None:
    text = service(inline="# svclint: ignore[SVC309] we want SNAT here")
    assert by_rule(run_files(tmp_path, {"svc.yaml": text}).findings, "SVC009") == []


def test_cli_hides_suppressed_findings_and_keeps_them_in_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(service(inline="# svclint: ignore[SVC101] legacy"))
    runner = CliRunner()
    hidden = runner.invoke(cli, ["lint", "--disable", "SVC308", "svc.yaml"])
    assert hidden.exit_code == 0
    assert "SVC101" not in hidden.stdout and "1 suppressed (hidden: --show-suppressed shows them)" in hidden.stdout
    shown = runner.invoke(cli, ["lint", "--disable", "SVC308", "--show-suppressed", "svc.yaml"])
    assert "error SVC101" in shown.stdout and "(suppressed)" in shown.stdout and shown.exit_code == 0
    sarif = json.loads(runner.invoke(cli, ["lint", "--disable", "SVC308", "-f", "sarif", "svc.yaml"]).stdout)
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "legacy"}]


def test_input_findings_can_be_suppressed(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b  # svclint: ignore[SVC002] generated\n"
    findings = run_files(tmp_path, {"svc.yaml": text}).findings
    (finding,) = by_rule(findings, "SVC002")
    assert finding.suppression is not None
