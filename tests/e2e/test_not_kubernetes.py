"""Files that are not manifests are skipped and counted; shapeless documents inside manifests stay errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import by_rule, run_files
from svclint.cli import cli

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""

NOT_MANIFESTS = {
    # A symbolic link stored as a text file: its content is the path it pointed at.
    "link.yaml": "../../vendor/knative.dev/caching/config/image.yaml",
    # Docker labels, a top-level list of strings.
    "docker-labels.yml": '- "traefik.http.routers.web.rule=Host(`example.com`)"\n- "traefik.enable=true"\n',
    "values.yaml": "replicaCount: 2\nservice:\n  type: LoadBalancer\n  port: 80\n",
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n    ports:\n    - 80:80\n",
    ".gitlab-ci.yml": "stages: [build]\nbuild:\n  script:\n  - make\n",
    # The body of `kubectl patch service web --patch-file patch.yaml`: metadata and spec, no type information.
    "patch.yaml": "metadata:\n  labels:\n    tier: web\nspec:\n  type: NodePort\n",
}


@pytest.mark.parametrize("name", sorted(NOT_MANIFESTS))
def test_a_file_that_is_not_a_manifest_is_skipped_silently(tmp_path: Path, name: str) -> None:
    result = run_files(tmp_path, {name: NOT_MANIFESTS[name]})
    assert result.findings == []
    assert result.stats.not_kubernetes_files == 1


def test_the_summary_counts_skipped_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, text in NOT_MANIFESTS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "service.yaml").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["lint", "--no-config", "."])
    assert result.exit_code == 0, result.output
    assert f"skipped {len(NOT_MANIFESTS)} non-Kubernetes files" in result.stdout


@pytest.mark.parametrize(
    ("second", "line", "shape"),
    [("- a\n- b\n", 11, "a sequence"), ("just a string\n", 11, "a scalar"), ("42\n", 11, "a scalar")],
)
def test_a_shapeless_document_in_a_manifest_is_an_error(tmp_path: Path, second: str, line: int, shape: str) -> None:
    result = run_files(tmp_path, {"m.yaml": SERVICE + "---\n" + second})
    errors = by_rule(result.findings, "SVC003")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in errors] == [(line, 1)]
    assert shape in errors[0].message
    assert result.stats.not_kubernetes_files == 0


def test_a_shapeless_document_next_to_a_syntax_checked_object_is_an_error(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n- a\n"
    errors = by_rule(run_files(tmp_path, {"m.yaml": text}).findings, "SVC003")
    assert [f.location.span.start_line for f in errors] == [6]


def test_objects_written_as_a_list_are_an_error(tmp_path: Path) -> None:
    text = "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n"
    errors = by_rule(run_files(tmp_path, {"m.yaml": text}).findings, "SVC003")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in errors] == [(1, 1)]


def test_half_an_object_is_still_missing_type_information(tmp_path: Path) -> None:
    text = "kind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
    result = run_files(tmp_path, {"m.yaml": text})
    assert [(f.location.span.start_line, f.location.span.start_col) for f in by_rule(result.findings, "SVC007")] == [
        (1, 1)
    ]
    assert result.stats.not_kubernetes_files == 0


def test_a_mapping_without_type_information_in_a_manifest_is_counted_as_a_document(tmp_path: Path) -> None:
    result = run_files(tmp_path, {"m.yaml": SERVICE + "---\nreplicaCount: 2\n"})
    assert result.findings == []
    assert (result.stats.not_kubernetes, result.stats.not_kubernetes_files) == (1, 0)
