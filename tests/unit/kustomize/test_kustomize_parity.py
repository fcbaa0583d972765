"""svclint's builds against `kubectl kustomize` on kustomize trees: the facts Service checks read (names,
namespaces, labels, selectors, pod template labels, ports, replicas, backends, policies) are the same.

kubectl's builds are recorded in tests/data/kustomize-parity/kubectl-builds.json, so the comparison runs where
kubectl is not installed. With `UPDATE_GOLDEN=1` (and kubectl) the builds are recorded again; with
`SVCLINT_LIVE_KUBECTL=1` the recording is compared with fresh builds (kubectl changed?). Neither runs by default:
a fresh build of argo-workflows' trees is minutes of kubectl and YAML reading, and a local suite must answer
what CI answers. Builds with a remote base are left out (kubectl would fetch it; svclint never does).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, SHARED
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.kustomize.build import NOT_FOLLOWED
from svclint.kustomize.stage import build_view

KUBECTL = shutil.which("kubectl")
LIVE = bool(os.environ.get("UPDATE_GOLDEN") or os.environ.get("SVCLINT_LIVE_KUBECTL"))
# kubectl's output holds CRDs of megabytes: libyaml reads them ~6x faster than the pure-Python loader.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REALWORLD = SHARED / "realworld"
PARITY = REPO / "tests" / "data" / "kustomize-parity"
RECORDING = PARITY / "kubectl-builds.json"
TREES = [
    *sorted(p for p in PARITY.iterdir() if p.is_dir()),
    REPO / "docs" / "examples" / "kustomize",
    REALWORLD / "kubernetes-sigs__metrics-server" / "manifests",
    REALWORLD / "longhorn__longhorn" / "deploy" / "backupstores",
    REALWORLD / "metallb__metallb" / "config",
    REALWORLD / "argoproj__argo-workflows" / "manifests",
    REALWORLD / "rook__rook" / "deploy" / "examples",
]
_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
# Kinds whose whole spec the checks read (backends, selectors, peers, scale targets).
_WHOLE_SPEC = ("Ingress", "GRPCRoute", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler")

Facts = dict[str, dict[str, Any]]  # "Kind namespace/name" -> the facts of that object


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind")
    metadata = data.get("metadata") or {}
    spec = data.get("spec") or {}
    facts: dict[str, Any] = {"labels": metadata.get("labels") or {}}
    if kind == "Service":
        facts["selector"] = spec.get("selector")
        facts["type"] = spec.get("type")
        facts["externalTrafficPolicy"] = spec.get("externalTrafficPolicy")
        facts["ports"] = [
            [p.get("name"), p.get("port"), str(p.get("targetPort")), p.get("nodePort")] for p in spec.get("ports") or []
        ]
    template = spec.get("template")
    if kind in _WORKLOADS and isinstance(template, dict):
        facts["selector"] = (spec.get("selector") or {}).get("matchLabels")
        facts["template labels"] = (template.get("metadata") or {}).get("labels")
        facts["replicas"] = spec.get("replicas")
        facts["container ports"] = [
            [c.get("name"), [[p.get("name"), p.get("containerPort")] for p in c.get("ports") or []]]
            for c in (template.get("spec") or {}).get("containers") or []
        ]
        facts["service name"] = spec.get("serviceName")
    if kind in _WHOLE_SPEC:
        facts["spec"] = spec
    if kind == "HTTPRoute":
        # kustomize v5.5.0 (kubectl 1.32) leaves HTTPRoute backendRefs alone; its current source renames them
        # with the Service, as svclint does. Only the rest of the route is compared.
        facts["parentRefs"] = spec.get("parentRefs")
    if kind == "Namespace":
        facts["name"] = metadata.get("name")
    return facts


def _keyed(objects: list[dict[str, Any]]) -> Facts:
    keyed = {f"{o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}": _facts(o) for o in objects}
    normalized: Facts = json.loads(json.dumps(keyed))  # as the recording holds them: lists, not tuples
    return normalized


def _kubectl_build(folder: Path) -> Facts:
    assert KUBECTL is not None
    proc = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=True, timeout=120)
    return _keyed([o for o in yaml.load_all(proc.stdout, Loader=_LOADER) if isinstance(o, dict)])


def _recording_key(folder: Path) -> str:
    """The build's folder as the recording names it: relative to the repository or to the shared corpora."""
    for root, prefix in ((REPO, ""), (SHARED, "shared/")):
        if folder.is_relative_to(root):
            return prefix + folder.relative_to(root).as_posix()
    raise AssertionError(f"{folder} is neither in the repository nor in the shared corpora")


def _recorded() -> dict[str, Facts]:
    recorded: dict[str, Facts] = json.loads(RECORDING.read_text()) if RECORDING.is_file() else {}
    return recorded


@pytest.mark.parametrize("tree", TREES, ids=lambda tree: tree.name)
def test_builds_match_kubectl_kustomize(tree: Path) -> None:
    if not tree.is_dir():
        pytest.skip(f"{tree} is not here")
    kept = []
    files: dict[str, str] = {}
    for path in sorted(tree.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            files[os.path.abspath(path)] = str(path)
            kept.extend(load_bytes(str(path), path.read_bytes(), LoadOptions()).resources)
    view = build_view(kept, files)
    assert view is not None and view.builds
    # Remote bases are never fetched: those builds are incomplete, and kubectl would need the network.
    assert [p.message for p in view.problems if p.code != NOT_FOLLOWED or "is remote" not in p.message] == []
    complete = [build for build in view.builds if build.complete]
    assert complete
    recorded = _recorded()
    for build in complete:
        folder = Path(build.kustomization.folder).resolve()
        key = _recording_key(folder)
        if KUBECTL is not None and LIVE:
            theirs = _kubectl_build(folder)
            if os.environ.get("UPDATE_GOLDEN"):
                recorded[key] = theirs
                RECORDING.write_text(json.dumps(dict(sorted(recorded.items())), indent=1, sort_keys=True) + "\n")
            assert recorded.get(key) == theirs, f"{key}: the recording is stale (UPDATE_GOLDEN=1 records it again)"
        assert key in recorded, f"{key} has no recorded kubectl build (UPDATE_GOLDEN=1 with kubectl records it)"
        theirs = recorded[key]
        mine = _keyed([b.data for b in build.objects])
        assert sorted(mine) == sorted(theirs), key
        for name, facts in mine.items():
            assert facts == theirs[name], (key, name)
