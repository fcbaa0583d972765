"""Cross-resource analysis over several files and folders: every slip once, at its line, with related places."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_files
from svclint.core.model import Finding
from svclint.run.pipeline import lint
from svclint.run.settings import LintSettings

DATA = REPO / "tests" / "data" / "crossref"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DATA, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def _lint(paths: list[str], context: list[str] | None = None) -> list[Finding]:
    settings = LintSettings(
        paths=paths, context=context or (), enable=("SVC205",), disable=("SVC308",), use_cache=False
    )
    return lint(settings).findings


def _summary(findings: list[Finding]) -> list[tuple[str, str, int, list[tuple[str, int]]]]:
    return [
        (
            f.rule_id,
            f.location.path,
            f.location.span.start_line,
            [(r.path, r.span.start_line) for r in f.related],
        )
        for f in findings
    ]


EXPECTED = [
    ("SVC202", "app/services.yaml", 22, [("workloads/deployments.yaml", 35)]),  # typo: closest is api
    ("SVC202", "app/services.yaml", 33, [("workloads/deployments.yaml", 45), ("workloads/deployments.yaml", 53)]),
    ("SVC202", "app/services.yaml", 44, [("infra/cache.yaml", 12)]),  # the workload is in namespace infra
    ("SVC201", "app/services.yaml", 56, [("app/services.yaml", 58), ("workloads/deployments.yaml", 65)]),
    ("SVC203", "app/services.yaml", 70, [("app/services.yaml", 72), ("workloads/deployments.yaml", 83)]),
    ("SVC204", "app/services.yaml", 104, [("workloads/deployments.yaml", 15)]),
    ("SVC205", "app/services.yaml", 106, [("workloads/deployments.yaml", 19)]),
    ("SVC209", "ingress/ingress.yaml", 20, [("app/services.yaml", 20)]),
    ("SVC208", "ingress/ingress.yaml", 22, [("app/services.yaml", 24)]),
    ("SVC207", "ingress/ingress.yaml", 27, []),
    ("SVC206", "other/nodeports.yaml", 14, [("app/services.yaml", 14)]),
    ("SVC228", "workloads/deployments.yaml", 84, [("app/services.yaml", 68)]),  # serviceName: a LoadBalancer
]


def test_every_slip_once_at_its_line_with_related_locations(corpus: Path) -> None:
    assert _summary(_lint(["."])) == EXPECTED


def test_typo_diagnosis_names_the_closest_pod_label(corpus: Path) -> None:
    (finding,) = [f for f in _lint(["."]) if (f.location.path, f.location.span.start_line) == ("app/services.yaml", 22)]
    assert "closest: Deployment default/api has app: api where the selector wants app: api-server" in finding.message


def test_one_file_with_context_gives_the_findings_of_the_whole_repository_that_touch_it(corpus: Path) -> None:
    whole = [s for s in _summary(_lint(["."])) if s[1] == "app/services.yaml"]
    # Findings the whole repository reports elsewhere but that point into the file come to it, at the place
    # they point to; where the whole repository reports them becomes the first related location.
    moved = [
        ("SVC206", "app/services.yaml", 14, [("other/nodeports.yaml", 14)]),
        ("SVC209", "app/services.yaml", 20, [("ingress/ingress.yaml", 20)]),
        ("SVC208", "app/services.yaml", 24, [("ingress/ingress.yaml", 22)]),
        ("SVC228", "app/services.yaml", 68, [("workloads/deployments.yaml", 84)]),
    ]
    alone = _summary(_lint(["app/services.yaml"], context=["."]))
    assert alone == sorted([*whole, *moved], key=lambda s: (s[1], s[2]))


def test_a_collision_is_reported_in_whichever_file_is_linted(corpus: Path) -> None:
    (moved,) = [f for f in _lint(["app/services.yaml"], context=["."]) if f.rule_id == "SVC206"]
    assert moved.message.startswith(
        "Service team-b/reports: spec.ports[0].nodePort 30080 is already claimed by Service default/web"
    )
    assert moved.related[0].message == (
        "Service team-b/reports: spec.ports[0].nodePort: reported here when the whole repository is linted"
    )
    collision = _summary(_lint(["other/nodeports.yaml"], context=["."]))
    assert collision == [("SVC206", "other/nodeports.yaml", 14, [("app/services.yaml", 14)])]


def test_without_workloads_in_view_selector_checks_stay_silent(corpus: Path) -> None:
    rules = {f.rule_id for f in _lint(["app/services.yaml"])}
    assert rules.isdisjoint({"SVC201", "SVC202", "SVC203", "SVC204", "SVC205"})


def test_context_files_are_not_reported(corpus: Path) -> None:
    (corpus / "workloads" / "broken.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: [x\n")
    findings = _lint(["app/services.yaml"], context=["workloads"])
    assert {f.location.path for f in findings} == {"app/services.yaml"}


def test_selectorless_and_external_name_services_are_fine(tmp_path: Path) -> None:
    files = {
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec:\n  ports: [{port: 80}]\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: alias}\nspec:\n  type: ExternalName\n"
        "  externalName: db.example.com\n  selector: {app: nothing}\n",
        "deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n",
    }
    findings = run_files(tmp_path, files, disable=("SVC308",)).findings
    assert [f.rule_id for f in findings if f.rule_id.startswith("SVC20")] == []


def test_job_and_statefulset_pod_labels_count(tmp_path: Path) -> None:
    files = {
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: job}\nspec:\n  selector: {job-name: train}\n"
        "  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db-0}\nspec:\n"
        "  selector: {statefulset.kubernetes.io/pod-name: db-0}\n  ports: [{port: 5432}]\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: db-5}\nspec:\n"
        "  selector: {statefulset.kubernetes.io/pod-name: db-5}\n  ports: [{port: 5432}]\n",
        "work.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata: {name: train}\nspec:\n  template:\n"
        "    spec: {containers: [{name: t, image: t}], restartPolicy: Never}\n---\n"
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: 2\n"
        "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n"
        "    spec: {containers: [{name: db, image: postgres}]}\n",
    }
    findings = run_files(tmp_path, files).findings
    assert [(f.rule_id, f.location.span.start_line) for f in findings] == [("SVC202", 19)]  # only db-5


def test_operator_custom_resource_explains_a_selector(tmp_path: Path) -> None:
    files = {
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: prometheus, namespace: monitoring}\nspec:\n"
        "  selector: {prometheus: k8s}\n  ports: [{port: 9090}]\n",
        "other.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: grafana, namespace: monitoring}\n"
        "spec:\n  selector: {matchLabels: {app: grafana}}\n  template:\n    metadata: {labels: {app: grafana}}\n"
        "    spec: {containers: [{name: g, image: grafana}]}\n",
        "cr.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\n"
        "metadata: {name: k8s, namespace: monitoring}\n",
    }
    assert run_files(tmp_path, files).findings == []
    del files["cr.yaml"]
    (tmp_path / "cr.yaml").unlink()
    assert [f.rule_id for f in run_files(tmp_path, files).findings] == ["SVC202"]


def test_same_service_in_two_overlays_does_not_collide(tmp_path: Path) -> None:
    service = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: web}\nspec:\n  type: NodePort\n"
        "  ports: [{port: 80, nodePort: 30080}]\n"
    )
    findings = run_files(tmp_path, {"dev/svc.yaml": service, "prod/svc.yaml": service}, disable=("SVC308",)).findings
    assert findings == []


def test_health_check_node_port_collides_with_another_services_node_port(tmp_path: Path) -> None:
    files = {
        "a.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: LoadBalancer\n"
        "  externalTrafficPolicy: Local\n  healthCheckNodePort: 32000\n  loadBalancerSourceRanges: [10.0.0.0/8]\n"
        "  ports: [{port: 80}]\n",
        "b.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: NodePort\n"
        "  ports: [{port: 80, nodePort: 32000}]\n",
    }
    findings = run_files(tmp_path, files, disable=("SVC308", "SVC305")).findings
    assert [(f.rule_id, f.location.path, f.location.span.start_line) for f in findings] == [("SVC206", "b.yaml", 6)]


def test_a_workload_patch_extends_the_base_it_sits_next_to(tmp_path: Path) -> None:
    """Two copies of one app; only copy a's overlay adds the metrics port. Copy b's Service, which targets the
    named port, is the one with nothing behind it."""
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
        "      - {name: web, image: web, ports: [{name: http, containerPort: 8080}]}\n"
    )
    patch = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - {name: exporter, image: exporter, ports: [{name: metrics, containerPort: 9100}]}\n"
    )
    service = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web-metrics}\nspec:\n  selector: {app: web}\n"
        "  ports: [{port: 9100, targetPort: metrics}]\n"
    )
    files = {
        "a/base/deployment.yaml": deployment,
        "a/base/kustomization.yaml": "resources: [deployment.yaml]\n",
        "a/overlay/kustomization.yaml": "resources: [../base, service.yaml]\npatches:\n- path: patch.yaml\n",
        "a/overlay/patch.yaml": patch,
        "a/overlay/service.yaml": service,
        "b/base/deployment.yaml": deployment,
        "b/base/service.yaml": service,
    }
    findings = run_files(tmp_path, files, disable=("SVC308",)).findings
    assert [(f.rule_id, f.location.path, f.location.span.start_line) for f in findings] == [
        ("SVC204", "b/base/service.yaml", 6)
    ]
