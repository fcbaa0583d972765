"""An inventory that takes its pod templates from the build before (nothing that goes into them changed) is the
inventory a fresh build makes: every field, and the answers cross-resource checks ask for."""

from __future__ import annotations

from typing import Any

from svclint.input.document import Resource
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.inventory.index import Inventory, build_inventory, feeds_workloads

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {tier: front}}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        ports: [{name: http, containerPort: 8080}, {containerPort: 9100, hostPort: 9100}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 3
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, ports: [{name: sql, containerPort: 5432}]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 4}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: shop, labels: {team: ops}}
"""
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {track: stable}}
    spec:
      containers: [{name: sidecar, ports: [{name: metrics, containerPort: 9090}]}]
"""
SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
"""
CHANGED_SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: db}
  ports: [{port: 5432, targetPort: sql, nodePort: 30080}, {port: 80, nodePort: 30081}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  rules: [{backendRefs: [{name: front, port: 5432}]}]
"""
# Filled in later by the checks that ask: left out of the comparison of fields.
_LAZY = {"memo", "_projects", "_matches", "_definitions"}
# Made anew by every build and compared by their answers below.
_BY_ANSWERS = {"paths", "kustomized"}


def _objects(path: str, text: str, partial: bool = False) -> list[Resource]:
    loaded = load_bytes(path, text.encode(), LoadOptions())
    for resource in loaded.resources:
        resource.partial = partial
    return loaded.resources


def _answers(inventory: Inventory) -> list[Any]:
    selectors: list[dict[str, Any]] = [{"app": "web"}, {"app": "db"}, {"track": "stable"}, {"team": "ops"}, {}]
    found: list[Any] = []
    for selector in selectors:
        found.append(inventory.matching_templates("shop", selector, near="/ws/a/services.yaml"))
        found.append(inventory.matching_elsewhere("default", selector))
        found.append(inventory.labelled_itself("shop", selector))
        found.append(inventory.owners_labelled(selector))
    found.append(inventory.declaring_port("shop", "metrics", "TCP"))
    found.append(inventory.workloads_named("shop", "web"))
    found.append(inventory.label_keys("shop"))
    found.append(inventory.label_keys_near("shop", "/ws/a/services.yaml"))
    found.append(inventory.has_workloads_near("shop", "/ws/a/services.yaml"))
    found.append(inventory.has_services_near("shop", "/ws/a/services.yaml"))
    found.append(inventory.service("shop", "front"))
    found.append(inventory.service("shop", "web"))
    return found


def test_templates_from_the_build_before_make_the_same_inventory() -> None:
    workloads = _objects("/ws/a/workloads.yaml", WORKLOADS) + _objects("/ws/a/overlay/patch.yaml", PATCH, True)
    before = [*workloads, *_objects("/ws/a/services.yaml", SERVICES)]
    after = [*workloads, *_objects("/ws/a/services.yaml", CHANGED_SERVICES)]
    changed = [r for r in (*before, *after) if not any(r is w for w in workloads)]
    assert changed and not any(feeds_workloads(r) for r in changed)

    first = build_inventory(before)
    _answers(first)  # the first build has answered questions (its caches are filled) before the next
    reused = build_inventory(after, workloads_from=first)
    fresh = build_inventory(after)
    compared = [name for name in Inventory.__struct_fields__ if name not in _LAZY | _BY_ANSWERS]
    for name in compared:
        assert getattr(reused, name) == getattr(fresh, name), name
    assert _answers(reused) == _answers(fresh)
    # The templates were taken, patched and scaled: the patch's port and label, the autoscaler's replicas.
    [web] = reused.workloads_named("shop", "web")
    assert web.replicas == 4 and web.labels["track"] == "stable"
    assert [p.name for p in web.ports] == ["http", None, "metrics"]
    assert reused.host_ports[9100] and reused.nodeport_claims[30081]


def test_what_goes_into_pod_templates() -> None:
    objects = _objects("/ws/a/workloads.yaml", WORKLOADS) + _objects("/ws/a/services.yaml", CHANGED_SERVICES)
    assert [feeds_workloads(r) for r in objects] == [True, True, True, True, False, False]
    assert all(feeds_workloads(r) for r in _objects("/ws/a/patch.yaml", PATCH, True))
