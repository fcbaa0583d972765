"""Cross-resource findings about context objects that point into the files of the run (pre-commit's view)."""

from __future__ import annotations

from pathlib import Path

from conftest import run_files
from svclint.filters.baseline import write_baseline

SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n"
    "    - port: 80\n"
)
DEPLOYMENT = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n"
    "      app: web-v2\n  template:\n    metadata:\n      labels:\n        app: web-v2\n    spec:\n"
    "      containers:\n        - name: web\n          image: nginx\n"
)
FILES = {"k8s/web.yaml": SERVICE, "k8s/deploy.yaml": DEPLOYMENT}


def _summary(tmp_path: Path, files: dict[str, str], **settings: object) -> list[tuple[str, str, int, bool]]:
    result = run_files(tmp_path, files, paths=["k8s/deploy.yaml"], context=["k8s"], **settings)
    return [
        (f.rule_id, f.location.path, f.location.span.start_line, f.suppression is not None) for f in result.findings
    ]


def test_the_changed_file_hears_of_the_service_it_breaks(tmp_path: Path) -> None:
    assert _summary(tmp_path, FILES) == [("SVC202", "k8s/deploy.yaml", 12, False)]


def test_without_context_nothing_is_guessed(tmp_path: Path) -> None:
    result = run_files(tmp_path, FILES, paths=["k8s/deploy.yaml"])
    assert result.findings == []


def test_a_suppression_where_the_whole_repository_reports_it_holds(tmp_path: Path) -> None:
    quiet = SERVICE.replace("  selector:", "  # svclint: ignore[SVC202] pods come from a canary tool\n  selector:")
    assert _summary(tmp_path, {**FILES, "k8s/web.yaml": quiet}) == [("SVC202", "k8s/deploy.yaml", 12, True)]


def test_suppressions_in_context_files_are_not_judged_unused(tmp_path: Path) -> None:
    stale = SERVICE.replace("  ports:", "  # svclint: ignore[SVC101] gone\n  ports:")
    files = {**FILES, "k8s/web.yaml": stale, "k8s/deploy.yaml": DEPLOYMENT.replace("web-v2", "web")}
    assert _summary(tmp_path, files) == []
    # linted itself, it is
    result = run_files(tmp_path, files, paths=["k8s"])
    assert [f.rule_id for f in result.findings] == ["SVC009"]


def test_a_baseline_of_the_whole_repository_holds(tmp_path: Path) -> None:
    whole = run_files(tmp_path, FILES, paths=["k8s"])
    assert [f.location.path for f in whole.findings] == ["k8s/web.yaml"]
    write_baseline(tmp_path / "baseline.json", whole.findings)
    assert _summary(tmp_path, FILES, baseline=tmp_path / "baseline.json") == [("SVC202", "k8s/deploy.yaml", 12, True)]
