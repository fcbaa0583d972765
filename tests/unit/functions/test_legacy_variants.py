"""SVC161 and legacy variants: a project that ships an object for newer clusters too keeps the old definition on
purpose (a folder per Kubernetes release, a kustomize component that patches the apiVersion)."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, places, run_files

PDB = """apiVersion: {version}
kind: PodDisruptionBudget
metadata:
  name: metrics-server
  namespace: kube-system
spec:
  minAvailable: 1
  selector:
    matchLabels:
      k8s-app: metrics-server
"""


def _not_served(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, int]]:
    return places(by_rule(run_files(tmp_path, files).findings, "SVC161"))


def test_a_definition_alone_in_a_removed_version_is_an_error_at_its_api_version(tmp_path: Path) -> None:
    files = {"deploy/legacy/pdb.yaml": PDB.format(version="policy/v1beta1")}
    assert _not_served(tmp_path, files) == [("deploy/legacy/pdb.yaml", 1, 13)]


def test_a_legacy_variant_beside_a_served_one_is_not(tmp_path: Path) -> None:
    files = {
        "deploy/k8s-1.20/pdb.yaml": PDB.format(version="policy/v1beta1"),
        "deploy/k8s-1.21/pdb.yaml": PDB.format(version="policy/v1"),
    }
    assert _not_served(tmp_path, files) == []


def test_a_served_variant_in_an_unrelated_project_is_no_excuse(tmp_path: Path) -> None:
    files = {
        "one/deploy/legacy/pdb.yaml": PDB.format(version="policy/v1beta1"),
        "two/manifests/ha/pdb.yaml": PDB.format(version="policy/v1"),
    }
    assert _not_served(tmp_path, files) == [("one/deploy/legacy/pdb.yaml", 1, 13)]


def test_a_kustomize_overlay_that_patches_the_api_version_makes_the_other_overlay_a_legacy_variant(
    tmp_path: Path,
) -> None:
    files = {
        "manifests/base/kustomization.yaml": "resources:\n- pdb.yaml\n",
        "manifests/base/pdb.yaml": PDB.format(version="policy/v1beta1"),
        "manifests/overlays/release-ha/kustomization.yaml": "resources:\n- ../../base\n",
    }
    assert _not_served(tmp_path, files) == [("manifests/base/pdb.yaml", 1, 13)]
    files["manifests/overlays/release-ha-1.21+/kustomization.yaml"] = (
        "resources:\n- ../../base\npatches:\n- target:\n    kind: PodDisruptionBudget\n  patch: |-\n"
        "    - op: replace\n      path: /apiVersion\n      value: policy/v1\n"
    )
    assert _not_served(tmp_path, files) == []
