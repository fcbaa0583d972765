"""What a run keeps of each object for the cross-resource rules: the objects those rules read whole stay whole,
workloads that rules check only in their compact copy (API versions, governing Services) stay compact."""

from __future__ import annotations

from pathlib import Path

from conftest import builtin_rules, by_rule, places, run_files
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.run.filework import compact
from svclint.run.rules import kept_compact, kept_whole

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  labels: {team: data}
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
      annotations: {note: not kept}
    spec:
      serviceAccountName: db
      containers:
      - name: main
        image: example/db:1
        args: ["--port", "5432", "--data", "/var/lib/db"]
        env:
        - {name: SECRET, value: not kept}
        ports:
        - {name: sql, containerPort: 5432}
        volumeMounts:
        - {name: data, mountPath: /var/lib/db}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce]}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports:
  - port: 5432
"""


def test_a_statefulset_is_kept_as_its_compact_copy() -> None:
    rules = builtin_rules()
    cross = [rule for rule in rules if rule.enabled and rule.needs_inventory]
    whole, compact_kinds = kept_whole(cross), kept_compact(cross)
    assert whole is not None and compact_kinds is not None
    assert {"StatefulSet", "Deployment", "ClusterRole"} <= compact_kinds  # checked by SVC161 and SVC227-229
    assert not {"StatefulSet", "Deployment", "ClusterRole"} & whole
    assert {"Service", "Ingress", "HTTPRoute", "NetworkPolicy"} <= whole
    loaded = load_bytes("db.yaml", STATEFULSET.encode(), LoadOptions())
    kept = compact(loaded.resources[0], None, whole, compact_kinds)
    assert kept is not None
    assert kept.data == {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "labels": {"team": "data"}},
        "spec": {
            "serviceName": "db",
            "replicas": 3,
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {
                    "serviceAccountName": "db",
                    "containers": [
                        {
                            "name": "main",
                            "image": "example/db:1",
                            "ports": [{"name": "sql", "containerPort": 5432}],
                            "args": ["5432"],
                        }
                    ],
                },
            },
        },
    }
    assert kept.locate(("spec", "serviceName")).start_line == 7


def test_governing_service_and_api_version_findings_come_from_compact_copies(tmp_path: Path) -> None:
    old = STATEFULSET.replace("apps/v1", "apps/v1beta2").replace("name: db\n  labels", "name: old\n  labels")
    result = run_files(tmp_path, {"db/statefulset.yaml": STATEFULSET, "db/service.yaml": SERVICE, "old.yaml": old})
    assert places(by_rule(result.findings, "SVC228")) == [("db/statefulset.yaml", 7, 16)]
    assert places(by_rule(result.findings, "SVC161")) == [("old.yaml", 1, 13)]
