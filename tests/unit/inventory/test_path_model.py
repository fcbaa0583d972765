"""The path model: Gateway API facts, NetworkPolicy admission and hand-written endpoints, read from manifests and
followed from entry point to pods."""

from __future__ import annotations

from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.inventory.index import Inventory, build_inventory
from svclint.inventory.walk import service_paths


def _inventory(text: str) -> Inventory:
    return build_inventory(load_bytes("paths.yaml", text.encode(), LoadOptions()).resources)


GATEWAY_AND_ROUTES = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: infra}
spec:
  gatewayClassName: example
  listeners:
  - name: web
    protocol: HTTPS
    port: 443
    allowedRoutes:
      namespaces: {from: All}
  - name: raw
    protocol: TCP
    port: 9000
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: shop}
spec:
  parentRefs:
  - {name: edge, namespace: infra, sectionName: web}
  rules:
  - backendRefs:
    - {name: web, port: 80}
    - {name: api, namespace: backend, port: 8080}
    - {group: example.com, kind: Bucket, name: assets}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: from-shop, namespace: backend}
spec:
  from:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}
  to:
  - {group: "", kind: Service, name: api}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
  - {name: admin, port: 81, targetPort: 9090}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - name: web
        ports:
        - {name: http, containerPort: 8080}
"""


def test_routes_backends_and_grants_are_read_with_their_defaults() -> None:
    paths = _inventory(GATEWAY_AND_ROUTES).paths
    (route,) = paths.routes
    assert [(b.group, b.kind, b.namespace, b.name, b.port) for b in route.backends] == [
        ("", "Service", "shop", "web", 80),
        ("", "Service", "backend", "api", 8080),
        ("example.com", "Bucket", "shop", "assets", None),
    ]
    assert [b.path for b in route.backends][1] == ("spec", "rules", 0, "backendRefs", 1)
    web, api, bucket = route.backends
    assert (web.is_service, web.crosses_namespace, api.crosses_namespace, bucket.is_service) == (
        True,
        False,
        True,
        False,
    )
    grant = paths.granting(api)
    assert grant is not None and grant.resource.name == "from-shop"


def test_a_grant_must_match_the_route_kind_namespace_and_target_name() -> None:
    text = GATEWAY_AND_ROUTES.replace("kind: HTTPRoute, namespace: shop", "kind: GRPCRoute, namespace: shop")
    api = _inventory(text).paths.routes[0].backends[1]
    assert _inventory(text).paths.granting(api) is None
    renamed = GATEWAY_AND_ROUTES.replace("kind: Service, name: api}", "kind: Service, name: other}")
    assert _inventory(renamed).paths.granting(_inventory(renamed).paths.routes[0].backends[1]) is None
    any_name = GATEWAY_AND_ROUTES.replace("kind: Service, name: api}", "kind: Service}")
    inventory = _inventory(any_name)
    assert inventory.paths.granting(inventory.paths.routes[0].backends[1]) is not None


def test_listeners_carry_the_route_kinds_of_their_protocol() -> None:
    paths = _inventory(GATEWAY_AND_ROUTES).paths
    (parent,) = paths.routes[0].parents
    (gateway,) = paths.parent_gateways(parent) or []
    web, raw = gateway.listeners
    assert (web.carries("HTTPRoute"), web.carries("GRPCRoute"), web.carries("TCPRoute")) == (True, True, False)
    assert (raw.carries("TCPRoute"), raw.carries("HTTPRoute")) == (True, False)
    assert (web.admits_namespace("shop"), raw.admits_namespace("shop"), raw.admits_namespace("infra")) == (
        True,
        False,
        True,
    )


def test_the_walk_leads_from_the_route_to_the_named_container_port() -> None:
    inventory = _inventory(GATEWAY_AND_ROUTES)
    service = inventory.service("shop", "web")
    assert service is not None
    http, admin = service_paths(inventory, service)
    assert [(e.kind, e.resource.name, e.path) for e in http.entries] == [
        ("Route", "shop", ("spec", "rules", 0, "backendRefs", 0))
    ]
    assert [listener.name for listener in http.entries[0].listeners] == ["web"]
    assert admin.entries == ()  # the route names port 80 only
    (hop,) = http.pods
    assert (hop.template.resource.name, hop.number, hop.outside) == ("web", 8080, True)
    assert admin.pods[0].number == 9090 and admin.pods[0].port is None


POLICY_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: web}
  ports:
  - {port: 443, targetPort: https}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports:
        - {name: https, containerPort: 8443}
---
"""


def _outside(policy: str) -> object:
    inventory = _inventory(POLICY_SERVICE + policy)
    service = inventory.service("default", "web")
    assert service is not None
    (path,) = service_paths(inventory, service)
    assert [e.kind for e in path.entries] == ["LoadBalancer"]
    return path.pods[0].outside


def test_a_policy_that_only_admits_pods_blocks_outside_clients() -> None:
    policy = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-frontend}
spec:
  podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: frontend}}
    - namespaceSelector: {}
"""
    assert _outside(policy) is False


def test_policies_that_admit_outside_clients_or_do_not_isolate_ingress() -> None:
    ip_block = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-clients}
spec:
  podSelector: {}
  ingress:
  - from: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 8000, endPort: 9000}]
"""
    rule = _outside(ip_block)
    assert getattr(rule, "path", None) == ("spec", "ingress", 0)
    named = ip_block.replace("[{port: 8000, endPort: 9000}]", "[{port: https}]")
    assert getattr(_outside(named), "path", None) == ("spec", "ingress", 0)
    other_port = ip_block.replace("[{port: 8000, endPort: 9000}]", "[{port: 80}]")
    assert _outside(other_port) is False
    header = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n"
    everyone = header + "  ingress:\n  - {}\n"
    assert getattr(_outside(everyone), "peers", "missing") is None
    egress_only = header + "  policyTypes: [Egress]\n"
    assert _outside(egress_only) is True
    other_pods = ip_block.replace("podSelector: {}", "podSelector: {matchLabels: {app: db}}").replace(
        "0.0.0.0/0", "10.0.0.0/8"
    )
    assert _outside(other_pods) is True


SELECTORLESS = """\
apiVersion: v1
kind: Service
metadata: {name: legacy-db}
spec:
  ports:
  - {name: sql, port: 5432}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db-1
  labels: {kubernetes.io/service-name: legacy-db}
addressType: IPv4
ports:
- {name: sql, port: 5432}
endpoints:
- addresses: [10.1.2.3, 10.1.2.4]
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy-db}
subsets:
- addresses: [{ip: 10.1.2.5}]
  ports: [{name: sql, port: 5432}]
"""


def test_a_service_without_selector_leads_to_its_slices_and_endpoints() -> None:
    inventory = _inventory(SELECTORLESS)
    service = inventory.service("default", "legacy-db")
    assert service is not None
    (path,) = service_paths(inventory, service)
    assert path.pods == ()
    assert [(s.resource.kind, [p.name for p in s.ports]) for s in path.endpoint_sets] == [
        ("EndpointSlice", ["sql"]),
        ("Endpoints", ["sql"]),
    ]
