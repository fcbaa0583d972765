"""svclint's builds against `kubectl kustomize` on real kustomize trees: the facts Service checks read (names,
namespaces, labels, selectors, pod template labels, ports, replicas) are the same. Skipped when kubectl is not
installed; builds with a remote base are left out (kubectl would fetch it; svclint never does)."""

from __future__ import annotations

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
REALWORLD = SHARED / "realworld"
TREES = [
    REPO / "docs" / "examples" / "kustomize",
    REALWORLD / "kubernetes-sigs__metrics-server" / "manifests",
    REALWORLD / "longhorn__longhorn" / "deploy" / "backupstores",
    REALWORLD / "metallb__metallb" / "config",
]
_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind")
    metadata = data.get("metadata") or {}
    spec = data.get("spec") or {}
    facts: dict[str, Any] = {"labels": metadata.get("labels") or {}}
    if kind == "Service":
        facts["selector"] = spec.get("selector")
        facts["type"] = spec.get("type")
        facts["ports"] = [
            (p.get("name"), p.get("port"), str(p.get("targetPort")), p.get("nodePort")) for p in spec.get("ports") or []
        ]
    template = spec.get("template")
    if kind in _WORKLOADS and isinstance(template, dict):
        facts["selector"] = (spec.get("selector") or {}).get("matchLabels")
        facts["template labels"] = (template.get("metadata") or {}).get("labels")
        facts["replicas"] = spec.get("replicas")
        facts["container ports"] = [
            (c.get("name"), [(p.get("name"), p.get("containerPort")) for p in c.get("ports") or []])
            for c in (template.get("spec") or {}).get("containers") or []
        ]
    if kind == "Ingress":
        facts["spec"] = spec
    return facts


def _kubectl_build(folder: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    assert KUBECTL is not None
    proc = subprocess.run([KUBECTL, "kustomize", folder], capture_output=True, text=True, check=True, timeout=120)
    objects = [o for o in yaml.safe_load_all(proc.stdout) if isinstance(o, dict)]
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects}


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
    for build in complete:
        theirs = _kubectl_build(build.kustomization.folder)
        mine = {(b.kind, b.namespace, b.name): b.data for b in build.objects}
        assert sorted(mine) == sorted(theirs), build.kustomization.display
        for key, data in mine.items():
            assert _facts(data) == _facts(theirs[key]), (build.kustomization.display, key)
