"""SVC232 across files: NetworkPolicies that isolate an Ingress backend's pods must admit the Ingress
controller's pods (in view through the run's RBAC), with the NetworkPolicy API's peer and port semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, by_rule, places, run_files
from svclint.core.model import Finding

DATA = REPO / "tests" / "data" / "controllers"
CONTROLLER = (DATA / "ingress-nginx.yaml").read_text()
WEB = (DATA / "web.yaml").read_text()
POLICY = (DATA / "policy.yaml").read_text()
ONLY_CONTROLLER_LABELS = """\
  - from:
    - podSelector:
        matchLabels:
          app.kubernetes.io/name: ingress-nginx
    ports:
    - port: 8080
"""


def _svc232(tmp_path: Path, rules: str | None = None, policy: str = POLICY, **extra: str) -> list[Finding]:
    policy = policy if rules is None else policy.replace(ONLY_CONTROLLER_LABELS, rules)
    files = {"ingress-nginx/deploy.yaml": CONTROLLER, "shop/web.yaml": WEB, "shop/policy.yaml": policy, **extra}
    return by_rule(run_files(tmp_path, files).findings, "SVC232")


def test_a_pod_selector_alone_matches_pods_of_the_policys_namespace_only(tmp_path: Path) -> None:
    (finding,) = _svc232(tmp_path)
    assert places([finding]) == [("shop/web.yaml", 12, 17)]  # the Service port's targetPort
    assert [(r.path, r.span.start_line, r.span.start_col) for r in finding.related] == [
        ("shop/web.yaml", 51, 19),  # the Service the Ingress backend names
        ("shop/policy.yaml", 7, 3),  # the policy's podSelector
        ("ingress-nginx/deploy.yaml", 40, 7),  # the controller's pod labels
    ]
    assert finding.message == (
        "Ingress shop/web cannot reach the pods behind this port: its traffic comes from the pods of Deployment "
        "ingress-nginx/ingress-nginx-controller, and no ingress rule of the policies isolating Deployment shop/web "
        "(web) admits them on port http"
    )


NAMESPACE_AND_PODS = """\
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {namespace}
      podSelector:
        matchLabels:
          app.kubernetes.io/name: ingress-nginx
    ports:
    - port: {port}
"""


@pytest.mark.parametrize(
    ("namespace", "port", "fires"),
    [
        ("ingress-nginx", "8080", False),  # one peer: those pods in that namespace
        ("ingress-nginx", "http", False),  # the named container port
        ("ingress-nginx", "8081", True),  # another port
        ("kube-system", "8080", True),  # another namespace: decided by its name alone
    ],
)
def test_namespace_and_pod_selectors_in_one_peer(tmp_path: Path, namespace: str, port: str, fires: bool) -> None:
    findings = _svc232(tmp_path, NAMESPACE_AND_PODS.format(namespace=namespace, port=port))
    assert places(findings) == ([("shop/web.yaml", 12, 17)] if fires else [])


def test_a_port_range_covers_the_target(tmp_path: Path) -> None:
    ranged = NAMESPACE_AND_PODS.format(namespace="ingress-nginx", port="8000\n      endPort: 8100")
    assert _svc232(tmp_path, ranged) == []
    below = NAMESPACE_AND_PODS.format(namespace="ingress-nginx", port="7000\n      endPort: 8000")
    assert len(_svc232(tmp_path / "below", below)) == 1


TWO_PEERS = """\
  - from:
    - namespaceSelector:
        matchLabels:
          team: edge
    - podSelector:
        matchLabels:
          app.kubernetes.io/name: ingress-nginx
"""
EDGE_NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
  labels:
    team: {team}
"""


def test_a_namespace_label_is_read_from_the_namespace_object(tmp_path: Path) -> None:
    # Two peers: any pod of a namespace labelled team=edge, or the controller's labels in `shop` only.
    assert _svc232(tmp_path / "edge", TWO_PEERS, **{"ingress-nginx/ns.yaml": EDGE_NAMESPACE.format(team="edge")}) == []
    other = _svc232(tmp_path / "other", TWO_PEERS, **{"ingress-nginx/ns.yaml": EDGE_NAMESPACE.format(team="data")})
    assert places(other) == [("shop/web.yaml", 12, 17)]
    assert _svc232(tmp_path / "unseen", TWO_PEERS) == []  # the Namespace's labels are not in view


def test_policies_add_up_and_egress_only_policies_do_not_isolate(tmp_path: Path) -> None:
    admitting = POLICY.replace("name: web\n", "name: web-from-anywhere\n", 1).replace(
        ONLY_CONTROLLER_LABELS, "  - {}\n"
    )
    assert _svc232(tmp_path / "added", **{"shop/admit.yaml": admitting}) == []
    egress = POLICY.replace("policyTypes: [Ingress]", "policyTypes: [Egress]")
    assert _svc232(tmp_path / "egress", policy=egress) == []


def test_without_the_controller_in_view_nothing_is_said(tmp_path: Path) -> None:
    files = {"shop/web.yaml": WEB, "shop/policy.yaml": POLICY}
    assert by_rule(run_files(tmp_path, files).findings, "SVC232") == []
    no_rbac = CONTROLLER[CONTROLLER.index("apiVersion: apps/v1") :]
    files["ingress-nginx/deploy.yaml"] = no_rbac
    assert by_rule(run_files(tmp_path / "no-rbac", files).findings, "SVC232") == []


GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: infra
spec:
  gatewayClassName: eg
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    allowedRoutes:
      namespaces:
        from: All
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
spec:
  parentRefs:
  - name: edge
    namespace: infra
  rules:
  - backendRefs:
    - name: web
      port: 80
"""


def _gateway_case(tmp_path: Path, peer: str) -> list[Finding]:
    controller = (
        CONTROLLER.replace("ingress-nginx", "envoy-gateway")
        .replace("[networking.k8s.io]", "[gateway.networking.k8s.io]")
        .replace("[ingresses, ingressclasses]", "[gateways, httproutes]")
    )
    web = WEB[: WEB.index("---\napiVersion: networking.k8s.io/v1\nkind: Ingress")]
    policy = POLICY.replace(ONLY_CONTROLLER_LABELS, f"  - from:\n    - {peer}\n")
    files = {"envoy/deploy.yaml": controller, "shop/web.yaml": web, "shop/policy.yaml": policy}
    return by_rule(run_files(tmp_path, {**files, "infra/gateway.yaml": GATEWAY}).findings, "SVC232")


def test_a_gateway_route_needs_the_controller_or_the_gateway_namespace_admitted(tmp_path: Path) -> None:
    (finding,) = _gateway_case(tmp_path / "pods", "podSelector: {matchLabels: {app: frontend}}")
    assert places([finding]) == [("shop/web.yaml", 12, 17)]
    assert "the Gateway's proxy pods in namespace infra" in finding.message
    assert [r.path for r in finding.related] == ["infra/gateway.yaml", "shop/policy.yaml", "envoy/deploy.yaml"]
    by_controller = "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: envoy-gateway}}"
    assert _gateway_case(tmp_path / "controller", by_controller) == []
    # Proxies a Gateway implementation runs in the Gateway's namespace are not in view: their labels may match.
    in_gateway_namespace = (
        "namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: infra}}\n"
        "      podSelector: {matchLabels: {x: y}}"
    )
    assert _gateway_case(tmp_path / "gateway", in_gateway_namespace) == []
