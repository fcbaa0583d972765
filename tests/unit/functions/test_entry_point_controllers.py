"""The NodePort advice (SVC308) is not given to the Service of an Ingress or Gateway controller."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, places, run_files

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: edge
  namespace: edge
spec:
  type: NodePort
  selector:
    app: edge
  ports:
  - port: 80
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
  namespace: edge
spec:
  selector:
    matchLabels: {app: edge}
  template:
    metadata:
      labels: {app: edge}
    spec:
      serviceAccountName: edge
      containers:
      - name: proxy
        image: example/edge
"""


def _rbac(resources: str, role_kind: str = "ClusterRole", subject_namespace: str = "edge") -> str:
    namespace = "\n  namespace: edge" if role_kind == "Role" else ""
    binding = "RoleBinding" if role_kind == "Role" else "ClusterRoleBinding"
    return (
        f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {role_kind}\nmetadata:\n  name: edge{namespace}\n"
        f"rules:\n- apiGroups: [gateway.networking.k8s.io, networking.k8s.io]\n  resources: [{resources}]\n"
        "  verbs: [list, watch]\n---\n"
        f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {binding}\nmetadata:\n  name: edge{namespace}\n"
        f"roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {role_kind}\n  name: edge\n"
        f"subjects:\n- kind: ServiceAccount\n  name: edge\n  namespace: {subject_namespace}\n"
    )


def _advice(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, int]]:
    return places(by_rule(run_files(tmp_path, files).findings, "SVC308"))


def test_a_plain_node_port_service_gets_the_advice_at_its_type(tmp_path: Path) -> None:
    assert _advice(tmp_path, {"svc.yaml": SERVICE, "deploy.yaml": DEPLOYMENT}) == [("svc.yaml", 7, 9)]


def test_the_service_of_an_ingress_controller_does_not(tmp_path: Path) -> None:
    files = {"svc.yaml": SERVICE, "deploy.yaml": DEPLOYMENT, "rbac/rbac.yaml": _rbac("ingresses")}
    assert _advice(tmp_path, files) == []


def test_a_namespaced_role_over_gateways_counts_too(tmp_path: Path) -> None:
    files = {"svc.yaml": SERVICE, "deploy.yaml": DEPLOYMENT, "rbac.yaml": _rbac("gateways, httproutes", "Role")}
    assert _advice(tmp_path, files) == []


def test_rights_over_other_objects_or_for_another_account_are_no_evidence(tmp_path: Path) -> None:
    files = {"svc.yaml": SERVICE, "deploy.yaml": DEPLOYMENT, "rbac.yaml": _rbac("ingresses/status")}
    assert _advice(tmp_path, files) == [("svc.yaml", 7, 9)]
    files = {"svc.yaml": SERVICE, "deploy.yaml": DEPLOYMENT, "rbac.yaml": _rbac("ingresses", subject_namespace="other")}
    assert _advice(tmp_path, files) == [("svc.yaml", 7, 9)]
