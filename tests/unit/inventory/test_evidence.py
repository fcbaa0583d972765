"""What in view explains a selector or backend nothing satisfies: operators, run-time labels, other namespaces,
Ingresses and routes in front of NodePorts. Each case at its line, and the clean cases silent."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from conftest import run_files
from svclint.functions import pods
from svclint.inventory.index import PodTemplate

RULES = ("SVC201", "SVC202", "SVC207", "SVC210", "SVC308")


def _service(name: str, selector: str, namespace: str | None = None, extra: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return (
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}{ns}\nspec:\n{extra}"
        f"  selector:\n{selector}  ports:\n  - port: 80\n"
    )


def _deployment(name: str, labels: str, namespace: str | None = None, ports: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ns}\nspec:\n"
        f"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels:\n{labels}"
        f"    spec:\n      containers:\n      - name: main\n        image: example/{name}\n{ports}"
    )


def _found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, str]]:
    findings = run_files(tmp_path, files).findings
    return [
        (f.rule_id, f.location.path, f.location.span.start_line, f.severity.name.lower())
        for f in findings
        if f.rule_id in RULES
    ]


# --- Item 5: operators' Services behind Ingresses, and indirect evidence ---------------------------------------

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: dashboard
  namespace: storage
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: storage-cluster-mgr-dashboard
            port:
              name: https-dashboard
"""
OTHER_SERVICE = _service("unrelated", "    app: unrelated\n", "storage")
CLUSTER = (
    "apiVersion: ceph.example.com/v1\nkind: StorageCluster\nmetadata:\n  name: storage-cluster\n  namespace: storage\n"
)


def test_an_ingress_backend_made_by_an_operators_object_is_not_missing(tmp_path: Path) -> None:
    files = {"ingress.yaml": INGRESS, "svc.yaml": OTHER_SERVICE, "cluster.yaml": CLUSTER}
    assert [f for f in _found(tmp_path, files) if f[0] == "SVC207"] == []


def test_without_the_operators_object_the_backend_is_missing(tmp_path: Path) -> None:
    files = {"ingress.yaml": INGRESS, "svc.yaml": OTHER_SERVICE}
    assert [f for f in _found(tmp_path, files) if f[0] == "SVC207"] == [("SVC207", "ingress.yaml", 14, "warning")]


def test_a_gateway_makes_the_service_named_after_it(tmp_path: Path) -> None:
    gateway = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: storage-cluster\n"
        "  namespace: storage\nspec:\n  gatewayClassName: istio\n"
        "  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n"
    )
    files = {"ingress.yaml": INGRESS, "svc.yaml": OTHER_SERVICE, "gateway.yaml": gateway}
    assert [f for f in _found(tmp_path, files) if f[0] == "SVC207"] == []


MANAGER = _deployment(
    "manager",
    "        app: manager\n",
    "storage",
    "        ports:\n        - {name: admission-wh, containerPort: 9502}\n",
)
WEBHOOK = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: webhook\n  namespace: storage\nspec:\n  selector:\n"
    "    example.com/admission-webhook: webhook\n  ports:\n  - port: 9502\n    targetPort: admission-wh\n"
)


def test_a_named_port_only_one_workload_declares_is_a_note_not_a_warning(tmp_path: Path) -> None:
    assert _found(tmp_path, {"all.yaml": WEBHOOK + "---\n" + MANAGER}) == [("SVC210", "all.yaml", 7, "note")]


def test_a_named_port_two_workloads_declare_is_no_evidence(tmp_path: Path) -> None:
    other = MANAGER.replace("name: manager", "name: replica").replace("app: manager", "app: replica")
    found = _found(tmp_path, {"all.yaml": WEBHOOK + "---\n" + MANAGER + "---\n" + other})
    assert found == [("SVC202", "all.yaml", 7, "warning")]


def test_a_named_port_of_an_unrelated_tree_is_no_evidence(tmp_path: Path) -> None:
    unrelated = _deployment("unrelated", "        app: unrelated\n", "storage")
    # An unprefixed key: a vendor's label that nothing in view sets would itself be a note (below).
    webhook = WEBHOOK.replace("example.com/admission-webhook", "admission-webhook")
    files = {
        "one/deploy/webhook.yaml": webhook,
        "one/deploy/other.yaml": OTHER_SERVICE + "---\n" + unrelated,
        "two/apps/x/manager.yaml": MANAGER,
    }
    assert _found(tmp_path, files) == [("SVC202", "one/deploy/webhook.yaml", 7, "warning")]


def test_vendor_labels_nothing_in_view_sets_are_a_note_on_a_service_of_its_own(tmp_path: Path) -> None:
    service = _service(
        "search-internal", "    elasticsearch.k8s.elastic.co/cluster-name: search\n    common.k8s.elastic.co/type: es\n"
    )
    sysctl = _deployment("sysctl", "        app: sysctl\n")
    found = _found(tmp_path, {"ilb.yaml": service, "sysctl.yaml": sysctl})
    assert found == [("SVC210", "ilb.yaml", 6, "note")]
    # Written in the same file as the workloads, the Service means their pods: the mismatch is a warning.
    found = _found(tmp_path, {"all.yaml": service + "---\n" + sysctl})
    assert found == [("SVC202", "all.yaml", 6, "warning")]


# --- Item 10: leader election, operators in other namespaces, controllers in view -------------------------------

LEADER = _service("leader", "    app: example-operator\n    operator: leader\n", "operators")
OPERATOR = _deployment("example-operator", "        app: example-operator\n", "operators")


def test_a_label_no_manifest_sets_is_a_run_time_label(tmp_path: Path) -> None:
    found = _found(tmp_path, {"svc.yaml": LEADER, "deploy.yaml": OPERATOR})
    assert found == [("SVC210", "svc.yaml", 7, "note")]


def test_a_misspelt_label_key_is_a_typo_not_a_run_time_label(tmp_path: Path) -> None:
    service = _service("web", "    app: web\n    tire: frontend\n")
    deployment = _deployment("web", "        app: web\n        tier: frontend\n")
    assert _found(tmp_path, {"svc.yaml": service, "deploy.yaml": deployment}) == [("SVC202", "svc.yaml", 6, "warning")]


def test_an_operators_object_in_another_namespace_is_a_note(tmp_path: Path) -> None:
    service = _service("db", "    example.com/cluster: orders-db\n", "apps")
    cluster = (
        "apiVersion: example.com/v1\nkind: DatabaseCluster\nmetadata:\n  name: orders-db\n  namespace: databases\n"
    )
    files = {"svc.yaml": service, "deploy.yaml": _deployment("api", "        app: api\n", "apps"), "db.yaml": cluster}
    assert _found(tmp_path, files) == [("SVC210", "svc.yaml", 7, "note")]
    files["db.yaml"] = cluster.replace("databases", "apps")
    assert _found(tmp_path, files) == []  # in the Service's own namespace: direct evidence


def test_the_operator_of_the_pods_in_view_is_a_note(tmp_path: Path) -> None:
    service = _service("prometheus", "    app.kubernetes.io/name: prometheus\n    instance: k8s\n", "monitoring")
    operator = _deployment("prometheus-operator", "        app: prometheus-operator\n", "monitoring")
    found = run_files(tmp_path, {"svc.yaml": service, "op.yaml": operator}).findings
    assert [(f.rule_id, f.location.span.start_line) for f in found if f.rule_id in RULES] == [("SVC210", 7)]
    assert "Deployment monitoring/prometheus-operator, the operator of such pods" in found[0].message


# --- Item 6: NodePort behind an Ingress or a route ------------------------------------------------------------


def test_a_node_port_behind_an_ingress_or_a_route_gets_no_advice(tmp_path: Path) -> None:
    node_port = "  type: NodePort\n"
    files = {
        "a.yaml": _service("a", "    app: a\n", "web", node_port),
        "b.yaml": _service("b", "    app: b\n", "web", node_port),
        "c.yaml": _service("c", "    app: c\n", "web", node_port),
        "ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, namespace: web}\n"
        "spec:\n  defaultBackend: {service: {name: a, port: {number: 80}}}\n",
        "route.yaml": "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: b, namespace: gw}\n"
        "spec:\n  rules:\n  - backendRefs:\n    - {name: b, namespace: web, port: 80}\n",
    }
    assert _found(tmp_path, files) == [("SVC308", "c.yaml", 7, "note")]


# --- Item 7: pods only in another namespace -------------------------------------------------------------------


def test_pods_only_in_another_namespace_are_named(tmp_path: Path) -> None:
    files = {
        "svc.yaml": _service("cache", "    app: cache\n", "app"),
        "infra/cache.yaml": _deployment("cache", "        app: cache\n", "infra"),
    }
    findings = run_files(tmp_path, files).findings
    assert [(f.rule_id, f.location.path, f.location.span.start_line) for f in findings] == [("SVC202", "svc.yaml", 7)]
    assert "no pod template in namespace app matches it; Deployment infra/cache in namespace infra does" in (
        findings[0].message
    )
    assert [(r.path, r.span.start_line) for r in findings[0].related] == [("infra/cache.yaml", 11)]


@pytest.mark.parametrize(
    "extra",
    [
        {},  # the pods' namespace is not written down: they may be applied anywhere
        {"kustomization.yaml": "namespace: infra\nresources: [svc.yaml]\n"},  # kustomize sets the namespace
    ],
)
def test_pods_elsewhere_without_evidence_of_the_namespace_stay_silent(tmp_path: Path, extra: dict[str, str]) -> None:
    deployment = _deployment("cache", "        app: cache\n", "infra" if extra else None)
    files = {"svc.yaml": _service("cache", "    app: cache\n", "app"), "infra/cache.yaml": deployment, **extra}
    assert _found(tmp_path, files) == []


def test_the_closest_hint_stays_near_the_service(tmp_path: Path) -> None:
    """The Service's own folder holds workloads; a near spelling in an unrelated folder is not a hint."""
    files = {
        "fixtures/svc.yaml": _service("svc", "    app: svc\n"),
        "fixtures/pods.yaml": _deployment("terminus", "        app: terminus\n"),
        "elsewhere/web.yaml": _deployment("web", "        app: web-svc\n"),
    }
    (finding,) = [f for f in run_files(tmp_path, files).findings if f.rule_id == "SVC202"]
    assert "has these labels" in finding.message
    assert "closest" not in finding.message
    files["fixtures/pods.yaml"] = _deployment("terminus", "        app: svcs\n")
    (finding,) = [f for f in run_files(tmp_path, files).findings if f.rule_id == "SVC202"]
    assert "closest: Deployment default/terminus has app: svcs" in finding.message


# --- Issue 10 item 18: the diagnosis of selectors that match nothing is linear ----------------------------------


def test_diagnosing_many_selectors_that_match_nothing_does_work_linear_in_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file holds a Service whose selector matches nothing and a workload: the labels compared while
    explaining them must grow with the number of files, not with its square."""
    count = 300
    files = {
        f"apps/app{i}.yaml": _service(f"svc{i}", f"    app: missing-{i}\n    tier: web{i}\n")
        + "---\n"
        + _deployment(f"app{i}", f"        app: pod{i}\n        tier: backend{i}\n")
        for i in range(count)
    }
    compared = 0
    selected_by, closest, selects = PodTemplate.selected_by, pods._closest, pods.__dict__.get("selects")

    def counting_selected_by(self: PodTemplate, selector: object) -> bool:
        nonlocal compared
        compared += 1
        return selected_by(self, selector)  # type: ignore[arg-type]

    def counting_closest(templates: Iterable[object], selector: object) -> object:
        nonlocal compared
        listed = list(templates)
        compared += len(listed)
        return closest(listed, selector)  # type: ignore[arg-type]

    monkeypatch.setattr(PodTemplate, "selected_by", counting_selected_by)
    monkeypatch.setattr(pods, "_closest", counting_closest)
    if selects is not None:  # the workloads' own labels were once compared one by one

        def counting_selects(selector: object, labels: object) -> bool:
            nonlocal compared
            compared += 1
            return bool(selects(selector, labels))

        monkeypatch.setattr(pods, "selects", counting_selects)
    findings = run_files(tmp_path, files).findings
    assert len([f for f in findings if f.rule_id == "SVC202"]) == count
    assert compared <= 10 * count


# --- Evidence stays within a project ------------------------------------------------------------------------------


def test_workloads_of_an_unrelated_project_are_no_evidence(tmp_path: Path) -> None:
    # A Service of one sample for pods that a chart installs; another sample far away uses the same namespace.
    service = _service("vectors", "    app: vectors\n", "databases")
    other = _deployment("chatbot", "        app: chatbot\n", "databases")
    files = {"samples/vectors/ilb.yaml": service, "demos/chat/app/deploy.yaml": other}
    assert _found(tmp_path, files) == []
    # In a sibling folder of the same project, the same workload is evidence: of a slip when it nearly matches,
    # else only that the Service was written apart from the workloads in view (a note).
    files = {"vectors/ilb/svc.yaml": service, "vectors/app/deploy.yaml": other}
    assert _found(tmp_path, files) == [("SVC210", "vectors/ilb/svc.yaml", 7, "note")]
    slip = _deployment("vectors", "        app: vector\n", "databases")
    files = {"vectors/ilb/svc.yaml": service, "vectors/app/deploy.yaml": slip}
    assert _found(tmp_path, files) == [("SVC202", "vectors/ilb/svc.yaml", 7, "warning")]
    # In its own folder, a workload that resembles nothing is still evidence that the pods are missing.
    files = {"vectors/svc.yaml": service, "vectors/deploy.yaml": other}
    assert _found(tmp_path, files) == [("SVC202", "vectors/svc.yaml", 7, "warning")]


def test_an_operator_of_the_project_explains_a_selector_nothing_resembles(tmp_path: Path) -> None:
    service = _service("alerts", "    app.kubernetes.io/name: alertmanager\n", "monitoring")
    operator = _deployment("prometheus-operator", "        app.kubernetes.io/name: prometheus-operator\n", "monitoring")
    found = _found(tmp_path, {"manifests/alerts-svc.yaml": service, "manifests/operator.yaml": operator})
    assert found == [("SVC210", "manifests/alerts-svc.yaml", 7, "note")]
    # A slip that a pod template nearly matches is still a warning, operator or not.
    web = _deployment("web", "        app.kubernetes.io/name: alertmanagr\n", "monitoring")
    files = {"manifests/alerts-svc.yaml": service, "manifests/operator.yaml": operator, "manifests/web.yaml": web}
    assert _found(tmp_path, files) == [("SVC202", "manifests/alerts-svc.yaml", 7, "warning")]


def test_a_relabelled_workload_that_declares_the_named_port_is_a_warning(tmp_path: Path) -> None:
    # The pod template sets the selector's key to another value: a relabel that left the Service behind, not a
    # label the pods could add at run time.
    service = WEBHOOK.replace("example.com/admission-webhook: webhook", "app: manager-v1")
    assert _found(tmp_path, {"all.yaml": service + "---\n" + MANAGER}) == [("SVC202", "all.yaml", 7, "warning")]


def test_the_declaring_workload_named_is_the_definition_nearest_the_service(tmp_path: Path) -> None:
    # Two variants of one install side by side (a provider's copy): each Service's note points into its own file.
    both = WEBHOOK + "---\n" + MANAGER
    findings = run_files(tmp_path, {"deploy/install.yaml": both, "deploy/install-okd.yaml": both}).findings
    places = sorted((f.location.path, [r.path for r in f.related]) for f in findings if f.rule_id == "SVC210")
    assert places == [
        ("deploy/install-okd.yaml", ["deploy/install-okd.yaml"]),
        ("deploy/install.yaml", ["deploy/install.yaml"]),
    ]
