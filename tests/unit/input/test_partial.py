"""Patches and fragments: kustomize patch files are checked as partial objects, not as whole Services."""

from __future__ import annotations

from pathlib import Path

from conftest import by_rule, lines_of, run_files

BASE = """\
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
TYPE_PATCH = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
PORT_PATCH = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    nodePort: 30080\n"
)


def test_patch_named_by_a_kustomization_is_partial_and_silent(tmp_path: Path) -> None:
    files = {
        "base/service.yaml": BASE,
        "overlay/kustomization.yaml": "resources: [../base]\npatches:\n- path: patch.yaml\n",
        "overlay/patch.yaml": PORT_PATCH,
    }
    findings = run_files(tmp_path, files, paths=["."]).findings
    # type is absent from the patch: it is not ClusterIP (it is whatever the base says), so no SVC120
    assert by_rule(findings, "SVC120") == [] and by_rule(findings, "SVC008") == []
    assert by_rule(findings, "SVC108") == []


def test_patch_still_checks_the_values_it_writes(tmp_path: Path) -> None:
    files = {
        "kustomization.yaml": "patchesStrategicMerge:\n- patch.yaml\n",
        "patch.yaml": PORT_PATCH.replace("30080", "29999").replace("  ports:", "  type: NodePort\n  ports:"),
    }
    findings = run_files(tmp_path, files, paths=["."]).findings
    assert lines_of(by_rule(findings, "SVC101")) == [9]


def test_without_the_kustomization_the_same_patch_is_a_whole_service(tmp_path: Path) -> None:
    findings = run_files(tmp_path, {"patch.yaml": PORT_PATCH.replace("  ports:", "  selector: {app: web}\n  ports:")})
    assert lines_of(by_rule(findings.findings, "SVC120")) == [9]


def test_service_without_ports_or_selector_is_a_fragment_with_a_note(tmp_path: Path) -> None:
    findings = run_files(tmp_path, {"service-type.yaml": TYPE_PATCH}).findings
    assert [(f.rule_id, f.location.span.start_line) for f in findings if f.rule_id != "SVC308"] == [("SVC008", 2)]


def test_service_with_selector_but_no_ports_is_an_error(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
    findings = run_files(tmp_path, {"svc.yaml": text}).findings
    assert lines_of(by_rule(findings, "SVC108")) == [5]
    assert by_rule(findings, "SVC008") == []


def test_selector_patch_in_a_patches_folder_is_a_fragment(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
    findings = run_files(tmp_path, {"overlay/patches/selector.yaml": text}).findings
    assert by_rule(findings, "SVC108") == []
    assert lines_of(by_rule(findings, "SVC008")) == [2]


def test_json6902_patch_file_is_not_an_object(tmp_path: Path) -> None:
    text = "- op: replace\n  path: /spec/type\n  value: NodePort\n"
    result = run_files(tmp_path, {"patch-type.yaml": text})
    assert result.findings == []
    assert result.stats.not_kubernetes_files == 1


def test_helm_chart_metadata_is_not_an_object(tmp_path: Path) -> None:
    chart = "apiVersion: v2\nname: web\nversion: 1.0.0\n"
    result = run_files(tmp_path, {"Chart.yaml": chart, "values.yaml": "service:\n  type: NodePort\n"})
    assert result.findings == []
    assert result.stats.not_kubernetes_files == 2


DIRECTIVES_PATCH = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  $patch: replace
spec:
  $retainKeys: [type, ports]
  type: NodePort
  $setElementOrder/ports:
  - port: 443
  - port: 80
  ports:
  - port: 8080
    $patch: delete
  - port: 443
    nodePort: 29999
  $deleteFromPrimitiveList/externalIPs: [203.0.113.7]
"""


def test_strategic_merge_directives_in_a_listed_patch_are_not_unknown_fields(tmp_path: Path) -> None:
    files = {
        "kustomization.yaml": "resources: [base.yaml]\npatches:\n- path: patch.yaml\n",
        "patch.yaml": DIRECTIVES_PATCH,
    }
    findings = run_files(tmp_path, files, paths=["."]).findings
    assert by_rule(findings, "SVC011") == [] and by_rule(findings, "SVC007") == []
    # The values the patch writes are still checked, where they are written.
    assert lines_of(by_rule(findings, "SVC101")) == [16]


def test_strategic_merge_directives_make_a_file_a_patch_on_their_own(tmp_path: Path) -> None:
    findings = run_files(tmp_path, {"overlay/web.yaml": DIRECTIVES_PATCH}).findings
    assert by_rule(findings, "SVC011") == [] and by_rule(findings, "SVC108") == []
    assert lines_of(by_rule(findings, "SVC101")) == [16]


def test_a_listed_patch_without_type_information_is_not_an_error(tmp_path: Path) -> None:
    patch = "kind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
    files = {
        "kustomization.yaml": "patches:\n- path: patch.yaml\n  target: {kind: Service, name: web}\n",
        "patch.yaml": patch,
    }
    assert by_rule(run_files(tmp_path, files, paths=["."]).findings, "SVC007") == []


def test_a_kubectl_patch_body_is_not_an_object(tmp_path: Path) -> None:
    body = "metadata:\n  labels:\n    tier: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n"
    result = run_files(tmp_path, {"service-patch.yaml": body})
    assert result.findings == []
    assert result.stats.not_kubernetes_files == 1
