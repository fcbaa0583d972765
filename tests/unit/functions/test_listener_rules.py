"""SVC224 across files: a route's hostnames against its listener's, and a listener's namespace selector against
the Namespace object, each in its own file; silent when the Namespace is out of view."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, places, run_files
from svclint.core.model import Finding

GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: infra
spec:
  gatewayClassName: example
  listeners:
  - name: shop
    protocol: HTTPS
    port: 443
    hostname: "*.shop.example.com"
    tls:
      certificateRefs:
      - name: shop-cert
    allowedRoutes:
      namespaces:
        from: Selector
        selector:
          matchLabels:
            gateway-access: "true"
"""

ROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: store
  namespace: shop
spec:
  parentRefs:
  - name: edge
    namespace: infra
  hostnames:
  - {hostname}
  rules:
  - backendRefs:
    - name: store
      port: 80
"""

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    gateway-access: "{access}"
"""


def _findings(tmp_path: Path, hostname: str, access: str | None) -> list[Finding]:
    files = {"infra/gateway.yaml": GATEWAY, "apps/route.yaml": ROUTE.format(hostname=hostname)}
    if access is not None:
        files["namespaces.yaml"] = NAMESPACE.format(access=access)
    return by_rule(run_files(tmp_path, files).findings, "SVC224")


def _svc224(tmp_path: Path, hostname: str, access: str | None) -> list[tuple[str, int, int]]:
    return places(_findings(tmp_path, hostname, access))


def test_a_route_for_another_domain_does_not_attach(tmp_path: Path) -> None:
    findings = _findings(tmp_path, "shop.example.com", "true")
    assert places(findings) == [("apps/route.yaml", 8, 5)]
    assert "serves hostname *.shop.example.com, which none of the route's hostnames (shop.example.com)" in (
        findings[0].message
    )
    assert [(r.path, r.span.start_line) for r in findings[0].related] == [("infra/gateway.yaml", 9)]


def test_a_route_that_shares_a_hostname_with_the_listener_attaches(tmp_path: Path) -> None:
    assert _svc224(tmp_path, "cart.shop.example.com", "true") == []
    assert _svc224(tmp_path / "wild", '"*.example.com"', "true") == []  # intersects *.shop.example.com


def test_a_namespace_the_selector_does_not_select(tmp_path: Path) -> None:
    findings = _findings(tmp_path, "cart.shop.example.com", "false")
    assert places(findings) == [("apps/route.yaml", 8, 5)]
    assert "admits routes of namespaces labelled gateway-access=true only" in findings[0].message


def test_a_namespace_out_of_view_says_nothing(tmp_path: Path) -> None:
    assert _svc224(tmp_path, "cart.shop.example.com", None) == []
