"""envsubst placeholders: one note per file, defaults checked in place, unknown values not judged."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, run_files
from svclint.core.model import Finding

TEMPLATE = """\
apiVersion: v1
kind: Service
metadata:
  name: ${SERVICE_NAME:-web}
  namespace: ${NAMESPACE}
  annotations:
    service.beta.kubernetes.io/load-balancer-source-ranges: $INBOUND_CIDRS
spec:
  type: ${SERVICE_TYPE:-LoadBalancer}
  selector:
    app: ${APP:-web}
  ports:
  - protocol: ${PROTOCOL:-TCP}
    port: ${PORT:-9002}
    targetPort: ${PORT:-9002}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: $IMAGE
        ports:
        - containerPort: 9002
"""


def _where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.location.span.start_line, f.location.span.start_col) for f in findings]


def test_one_note_per_file_and_nothing_false(tmp_path: Path) -> None:
    findings = run_files(tmp_path, {"service.yaml": TEMPLATE}).findings
    assert _where(by_rule(findings, "SVC012")) == [("SVC012", 4, 9)]
    assert "${SERVICE_NAME:-web}" in by_rule(findings, "SVC012")[0].message
    assert [f for f in findings if f.severity.label == "error"] == []


def test_defaults_are_checked_in_place_of_the_placeholder(tmp_path: Path) -> None:
    text = TEMPLATE.replace("${PORT:-9002}\n    targetPort", "${PORT:-70000}\n    targetPort")
    findings = run_files(tmp_path, {"service.yaml": text}).findings
    assert _where(by_rule(findings, "SVC112")) == [("SVC112", 14, 11)]


def test_a_wrong_value_next_to_a_placeholder_is_still_reported(tmp_path: Path) -> None:
    text = TEMPLATE.replace("  - protocol: ${PROTOCOL:-TCP}", "  - protocol: HTTP")
    findings = run_files(tmp_path, {"service.yaml": text}).findings
    assert _where(by_rule(findings, "SVC113")) == [("SVC113", 13, 15)]


def test_prometheus_template_variables_are_not_placeholders(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n"
        "    summary: '{{ $labels.instance }} is down at $value'\nspec:\n  selector: {app: web}\n"
        "  ports:\n  - port: 80\n"
    )
    assert by_rule(run_files(tmp_path, {"service.yaml": text}).findings, "SVC012") == []


def test_shell_variables_in_commands_and_config_data_are_not_placeholders(tmp_path: Path) -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n"
        "      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: web\n"
        '        command: [sh, -c, "exec server --lib ${LD_LIBRARY_PATH}"]\n'
        '        args: ["--index=$JOB_COMPLETION_INDEX"]\n'
        "        env:\n        - {name: DB, value: $MYSQL_DATABASE}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: script\ndata:\n  run.sh: echo $HOME\n"
    )
    assert by_rule(run_files(tmp_path, {"workload.yaml": text}).findings, "SVC012") == []
    placed = text.replace("image: web", "image: $IMAGE_URL")
    found = by_rule(run_files(tmp_path, {"workload.yaml": placed}).findings, "SVC012")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in found] == [(12, 16)]
