"""Kustomize builds: objects as `kustomize build` emits them, findings at the lines people wrote.

The tree in docs/examples/kustomize (the example of docs/kustomize.md) is a base (Service + Deployment), a component
that adds a metrics port to both, and two overlays: prod (namespace, namePrefix, commonLabels, the component, a
strategic merge patch that makes the Service a LoadBalancer with Local policy, replicas) and staging
(namespace, nameSuffix, labels with includeSelectors, a JSON 6902 patch that misspells the selector).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, by_rule, run_files
from svclint.core.model import Finding, Span
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.kustomize.objects import BuiltObject
from svclint.kustomize.stage import KustomizeView, build_view
from svclint.run.pipeline import lint
from svclint.run.settings import LintSettings

TREE = REPO / "docs" / "examples" / "kustomize"


def _copy_tree(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(TREE, target)
    (target / ".git").mkdir()  # a repository root: kustomizations may reach anything inside it
    return target


def _view(root: Path) -> KustomizeView:
    """The builds of every kustomization under `root`, from its files as the run reads them."""
    kept = []
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.suffix in (".yaml", ".yml") or path.name == "Kustomization"):
            display = str(path)
            files[os.path.abspath(display)] = display
            kept.extend(load_bytes(display, path.read_bytes(), LoadOptions()).resources)
    view = build_view(kept, files)
    assert view is not None
    return view


def _build(view: KustomizeView, folder: str) -> dict[tuple[str, str], BuiltObject]:
    build = next(b for b in view.builds if b.kustomization.folder.endswith(folder))
    return {(b.kind, b.name): b for b in build.objects}


def _where(built: BuiltObject, *path: Any) -> tuple[str, int, int]:
    resource = built.resource()
    span = resource.locate(path)
    return os.path.relpath(resource.file_of(path), TREE_ROOT[0]), span.start_line, span.start_col


TREE_ROOT: list[str] = [""]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = _copy_tree(tmp_path)
    TREE_ROOT[0] = str(root)
    return root


def test_prod_overlay_builds_as_kustomize_does(tree: Path) -> None:
    objects = _build(_view(tree), "overlays/prod")
    assert set(objects) == {("Service", "prod-web"), ("Deployment", "prod-web"), ("Ingress", "prod-web")}
    service = objects[("Service", "prod-web")].data
    assert service["metadata"]["namespace"] == "prod"
    assert service["metadata"]["labels"] == {"team": "shop"}
    assert service["spec"]["selector"] == {"app": "web", "team": "shop"}
    assert service["spec"]["type"] == "LoadBalancer"
    # The component's port is merged by `port`, new items first (as kustomize writes them).
    assert [(p["name"], p["port"]) for p in service["spec"]["ports"]] == [("metrics", 9090), ("http", 80)]
    deployment = objects[("Deployment", "prod-web")].data
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["selector"]["matchLabels"] == {"app": "web", "team": "shop"}
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"app": "web", "team": "shop"}
    container = deployment["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], [p["name"] for p in c["ports"]]) for c in container] == [("web", ["metrics", "http"])]
    ingress = objects[("Ingress", "prod-web")].data
    backends = [p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]]
    assert backends == ["prod-web", "prod-web"]  # name references follow the prefix


def test_values_are_located_where_they_were_written(tree: Path) -> None:
    objects = _build(_view(tree), "overlays/prod")
    service = objects[("Service", "prod-web")]
    assert _where(service, "metadata", "namespace") == ("overlays/prod/kustomization.yaml", 1, 12)
    assert _where(service, "metadata", "name") == ("base/service.yaml", 4, 9)
    assert _where(service, "spec", "selector", "team") == ("overlays/prod/kustomization.yaml", 4, 9)
    assert _where(service, "spec", "selector", "app") == ("base/service.yaml", 8, 10)
    assert _where(service, "spec", "type") == ("overlays/prod/load-balancer.yaml", 6, 9)
    assert _where(service, "spec", "ports", 0, "port") == ("components/metrics/service-port.yaml", 8, 11)
    # The base's port moved to index 1 and is still located in the base.
    assert _where(service, "spec", "ports", 1, "nodePort") == ("base/service.yaml", 13, 15)
    deployment = objects[("Deployment", "prod-web")]
    assert _where(deployment, "spec", "replicas") == ("overlays/prod/kustomization.yaml", 14, 10)
    port = ("spec", "template", "spec", "containers", 0, "ports")
    assert _where(deployment, *port, 0, "containerPort") == ("components/metrics/container-port.yaml", 12, 26)
    assert _where(deployment, *port, 1, "containerPort") == ("base/deployment.yaml", 20, 26)
    ingress = objects[("Ingress", "prod-web")]
    backend = ("spec", "rules", 0, "http", "paths", 0, "backend", "service", "name")
    assert _where(ingress, *backend) == ("overlays/prod/ingress.yaml", 14, 19)


def test_staging_overlay_labels_and_json_patch(tree: Path) -> None:
    objects = _build(_view(tree), "overlays/staging")
    service = objects[("Service", "web-staging")]
    assert service.data["spec"]["selector"] == {"app": "wbe", "env": "staging"}
    assert service.data["metadata"]["namespace"] == "staging"
    assert _where(service, "spec", "selector", "app") == ("overlays/staging/selector.yaml", 3, 10)
    assert _where(service, "spec", "selector", "env") == ("overlays/staging/kustomization.yaml", 5, 10)
    deployment = objects[("Deployment", "web-staging")].data
    assert deployment["spec"]["template"]["metadata"]["labels"] == {"app": "web", "env": "staging"}
    assert deployment["spec"]["replicas"] == 3
    assert [p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]] == ["http"]


def _located(findings: list[Finding]) -> list[tuple[str, str, int, int, list[tuple[str, int]]]]:
    return [
        (
            f.rule_id,
            f.location.path,
            f.location.span.start_line,
            f.location.span.start_col,
            [(r.path, r.span.start_line) for r in f.related],
        )
        for f in findings
    ]


def test_each_overlay_findings_are_exact_and_at_source_lines(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    result = lint(LintSettings(paths=["."], use_cache=False, jobs=1))
    assert _located(result.findings) == [
        ("SVC308", "base/service.yaml", 6, 9, [("overlays/staging/kustomization.yaml", 7)]),
        # The misspelt selector: the only workload declaring the target port sets `app` to another value, so
        # nothing suggests its pods get the selector's labels at run time.
        ("SVC202", "base/service.yaml", 7, 3, [("overlays/staging/kustomization.yaml", 7)]),
        (
            "SVC203",
            "overlays/prod/load-balancer.yaml",
            7,
            26,
            [
                ("base/service.yaml", 7),
                ("overlays/prod/kustomization.yaml", 14),
                ("overlays/prod/kustomization.yaml", 5),
            ],
        ),
    ]
    assert "app=wbe, env=staging" in result.findings[1].message


def test_a_base_finding_in_several_overlays_is_reported_once(tmp_path: Path) -> None:
    base = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n"
    files = {"base/kustomization.yaml": "resources: [service.yaml]\n", "base/service.yaml": base, ".git/HEAD": ""}
    for name in ("dev", "prod", "test"):
        files[f"{name}/kustomization.yaml"] = "resources: [../base]\n"
    findings = by_rule(run_files(tmp_path, files, paths=["."]).findings, "SVC308")
    assert len(findings) == 1
    assert [(r.path, r.span.start_line) for r in findings[0].related] == [
        ("dev/kustomization.yaml", 1),
        ("prod/kustomization.yaml", 1),
        ("test/kustomization.yaml", 1),
    ]


# The issue's example: an overlay renames, relabels and moves a base, and its Ingress names the built Service.
ISSUE_TREE = {
    ".git/HEAD": "",
    "base/kustomization.yaml": "resources: [service.yaml, deployment.yaml]\n",
    "base/service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n"
        "    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n    nodePort: 30080\n"
    ),
    "base/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n"
        "    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
        "      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 8080\n"
    ),
    "overlays/prod/kustomization.yaml": (
        "namespace: prod\nnamePrefix: prod-\ncommonLabels:\n  team: shop\nresources:\n- ../../base\n- ingress.yaml\n"
    ),
    "overlays/prod/ingress.yaml": (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n"
        "    service:\n      name: prod-web\n      port:\n        number: 80\n"
    ),
    "overlays/dev/kustomization.yaml": "namespace: dev\nresources:\n- ../../base\n",
    "overlays/test/kustomization.yaml": "namespace: test\nresources:\n- ../../base\n",
}


def test_issue_example_has_no_false_backend_selector_or_collision_findings(tmp_path: Path) -> None:
    findings = run_files(tmp_path, ISSUE_TREE, paths=["."]).findings
    for rule in ("SVC202", "SVC206", "SVC207", "SVC208", "SVC210"):
        assert by_rule(findings, rule) == [], rule


def test_without_builds_the_issue_example_is_misread(tmp_path: Path) -> None:
    findings = run_files(tmp_path, ISSUE_TREE, paths=["."], kustomize_mode="off").findings
    assert [f.location.path for f in by_rule(findings, "SVC207")] == ["overlays/prod/ingress.yaml"]


def _problems(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    findings = run_files(tmp_path, {".git/HEAD": "", **files}, paths=["."]).findings
    return [
        (f.rule_id, f.location.path, f.location.span.start_line, f.location.span.start_col)
        for f in findings
        if f.rule_id in ("SVC020", "SVC021")
    ]


def test_remote_bases_are_noted_once_and_never_fetched(tmp_path: Path) -> None:
    files = {
        "app/kustomization.yaml": "resources:\n- https://github.com/example/app//base?ref=v1\n- svc.yaml\n",
        "app/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector: {app: gone}\n"
        "  ports:\n  - port: 80\n",
    }
    findings = run_files(tmp_path, {".git/HEAD": "", **files}, paths=["."]).findings
    assert [(f.rule_id, f.location.span.start_line) for f in by_rule(findings, "SVC020")] == [("SVC020", 2)]
    # The build is incomplete: a selector with no pods in view says nothing about the pods of the remote base.
    assert by_rule(findings, "SVC202") == []


def test_cycles_missing_files_and_escapes_are_bounded_findings(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kustomization.yaml").write_text("resources: []\n")
    problems = _problems(
        tmp_path / "repo",
        {
            "a/kustomization.yaml": "resources:\n- ../b\n",
            "b/kustomization.yaml": "resources:\n- ../a\n- missing.yaml\n",
            "c/kustomization.yaml": "resources:\n- ../../outside\n- ../b/x.yaml\n",
            "b/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        },
    )
    assert problems == [
        ("SVC021", "b/kustomization.yaml", 2, 3),  # a includes b, which includes a again: a cycle
        ("SVC021", "b/kustomization.yaml", 3, 3),  # missing.yaml does not exist
        ("SVC020", "c/kustomization.yaml", 2, 3),  # outside the repository: not followed
        ("SVC021", "c/kustomization.yaml", 3, 3),  # a file outside the kustomization's folder
    ]


def test_symbolic_link_out_of_the_repository_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "kustomization.yaml").write_text("resources: [svc.yaml]\n")
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "base").symlink_to(secret)
    problems = _problems(repo, {"app/kustomization.yaml": "resources:\n- base\n"})
    assert problems == [("SVC020", "app/kustomization.yaml", 2, 3)]


def test_strategic_merge_directives(tmp_path: Path) -> None:
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {a: '1', b: '2'}\nspec:\n"
        "  selector: {app: web}\n  ports:\n  - {name: http, port: 80}\n  - {name: admin, port: 9000}\n"
    )
    patch = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    a: null\nspec:\n  selector:\n"
        "    $patch: replace\n    tier: front\n  ports:\n  - port: 9000\n    $patch: delete\n  - port: 443\n"
        "    name: https\n"
    )
    root = tmp_path / "r"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "kustomization.yaml").write_text("resources: [svc.yaml]\npatchesStrategicMerge:\n- patch.yaml\n")
    (root / "svc.yaml").write_text(service)
    (root / "patch.yaml").write_text(patch)
    TREE_ROOT[0] = str(root)
    built = _build(_view(root), "r")[("Service", "web")]
    assert built.data["metadata"]["labels"] == {"b": "2"}
    assert built.data["spec"]["selector"] == {"tier": "front"}
    assert [p["port"] for p in built.data["spec"]["ports"]] == [443, 80]
    assert _where(built, "spec", "selector", "tier") == ("patch.yaml", 10, 11)
    assert _where(built, "spec", "ports", 1, "port") == ("svc.yaml", 9, 24)


def test_patch_targets_by_label_selector_and_name_pattern(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    (root / ".git").mkdir()
    services = "".join(
        f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels: {{tier: {tier}}}\n"
        "spec:\n  ports:\n  - port: 80\n"
        for name, tier in (("web-a", "front"), ("web-b", "back"), ("db", "front"))
    )
    (root / "svc.yaml").write_text(services)
    (root / "kustomization.yaml").write_text(
        "resources: [svc.yaml]\npatches:\n- target:\n    kind: Service\n    name: web-.*\n"
        "    labelSelector: tier in (front)\n  patch: |\n    - op: add\n      path: /spec/type\n"
        "      value: NodePort\n"
    )
    objects = _build(_view(root), "r")
    types = {name: b.data["spec"].get("type") for (_, name), b in objects.items()}
    assert types == {"web-a": "NodePort", "web-b": None, "db": None}
    # An inline patch is located at its text in the kustomization.
    assert objects[("Service", "web-a")].resource().locate(("spec", "type")) == Span(7, 10, 11, 1)


def test_namespace_spares_cluster_scoped_kinds_and_sets_default_subjects(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: view\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n"
        "- {kind: ServiceAccount, name: default, namespace: x}\n- {kind: ServiceAccount, name: robot, namespace: x}\n"
    )
    (root / "kustomization.yaml").write_text("namespace: shop\nresources: [rbac.yaml]\n")
    binding = _build(_view(root), "r")[("ClusterRoleBinding", "view")].data
    assert "namespace" not in binding["metadata"]
    assert [s["namespace"] for s in binding["subjects"]] == ["shop", "x"]


def test_kustomize_mode_off_checks_files_alone(tmp_path: Path) -> None:
    findings = run_files(tmp_path, ISSUE_TREE, paths=["."], kustomize_mode="off").findings
    assert by_rule(findings, "SVC020") == [] and by_rule(findings, "SVC021") == []


NODE_PORT_SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n  ports:\n"
    "  - port: 80\n    nodePort: 30080\n"
)


def test_overlays_of_one_base_do_not_collide_unless_they_share_a_cluster(tmp_path: Path) -> None:
    files = {
        ".git/HEAD": "",
        "base/kustomization.yaml": "resources: [service.yaml]\n",
        "base/service.yaml": NODE_PORT_SERVICE.format(name="web"),
        "eu/kustomization.yaml": "namePrefix: eu-\nresources: [../base]\n",
        "us/kustomization.yaml": "namePrefix: us-\nresources: [../base]\n",
    }
    assert by_rule(run_files(tmp_path, files, paths=["."]).findings, "SVC206") == []
    shared = {"global": (str(tmp_path / "eu"), str(tmp_path / "us"))}
    collisions = by_rule(run_files(tmp_path, {}, paths=["."], clusters=shared).findings, "SVC206")
    # The second claim, at the base's line, in the build of us, against the first (eu's).
    assert [(f.location.path, f.location.span.start_line) for f in collisions] == [("base/service.yaml", 9)]
    assert "claimed by Service default/eu-web" in collisions[0].message
    assert [r.path for r in collisions[0].related] == ["base/service.yaml", "us/kustomization.yaml"]


def test_clusters_keep_unrelated_projects_apart(tmp_path: Path) -> None:
    files = {
        "shop/service.yaml": NODE_PORT_SERVICE.format(name="shop"),
        "blog/service.yaml": NODE_PORT_SERVICE.format(name="blog"),
    }
    assert len(by_rule(run_files(tmp_path, files, paths=["."]).findings, "SVC206")) == 1
    apart = {"shop": (str(tmp_path / "shop"),), "blog": (str(tmp_path / "blog"),)}
    assert by_rule(run_files(tmp_path, {}, paths=["."], clusters=apart).findings, "SVC206") == []


def test_clusters_in_the_configuration_are_folders_relative_to_it(tmp_path: Path) -> None:
    from svclint.run.config import settings_from_mapping

    settings = settings_from_mapping({"clusters": {"prod": ["overlays/eu", "apps"]}}, tmp_path)
    assert settings["clusters"] == {"prod": (str(tmp_path / "overlays" / "eu"), str(tmp_path / "apps"))}


def test_patches_of_objects_the_run_does_not_keep_are_no_build_errors(tmp_path: Path) -> None:
    files = {
        ".git/HEAD": "",
        "kustomization.yaml": (
            "resources: [app.yaml]\npatches:\n- target: {kind: ConfigMap, name: settings}\n  patch: |\n"
            "    - op: add\n      path: /data/mode\n      value: fast\n- target: {kind: Deployment, name: web}\n"
            "  patch: |\n    - op: add\n      path: /spec/template/spec/containers/0/args/-\n      value: --fast\n"
        ),
        "app.yaml": (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: slow}\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
            "  selector: {matchLabels: {app: web}}\n"
            "  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
            "      - {name: web, image: web, args: [--slow]}\n"
        ),
    }
    findings = run_files(tmp_path, files, paths=["."]).findings
    assert by_rule(findings, "SVC021") == []
