"""--kube-version: what a given Kubernetes version accepts, at each boundary of the availability table, and how the
version is given, checked and recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import builtin_rules, by_rule, run_text
from svclint.cli import cli
from svclint.core.project import PACKAGE_DIR
from svclint.engine.tables import builtin_tables
from svclint.k8s.versions import NEWEST, OLDEST, KubeVersion, parse_kube_version, parse_version_entry, version_text

TABLE = builtin_tables()["kubeVersions"]
VERSION_FUNCTIONS = ("availableInKubeVersion", "servedInKubeVersion")

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  trafficDistribution: {value}
  selector:
    app: web
  ports:
  - port: 80
"""

# A Service using features of several releases: every one of them is accepted by 1.37, and by 1.24 only those
# that arrived before it.
MULTI_FEATURE = """\
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  type: LoadBalancer
  loadBalancerClass: example.com/internal
  allocateLoadBalancerNodePorts: false
  internalTrafficPolicy: Local
  ipFamilyPolicy: PreferDualStack
  ipFamilies: [IPv4, IPv6]
  trafficDistribution: PreferSameNode
  selector:
    app: dns
  ports:
  - name: dns-udp
    port: 53
    protocol: UDP
  - name: dns-tcp
    port: 53
    protocol: TCP
"""


def _findings(tmp_path: Path, text: str, version: KubeVersion, rule: str) -> list[Any]:
    return by_rule(run_text(tmp_path, text, kube_version=version), rule)


def _previous(version: KubeVersion) -> KubeVersion:
    return version[0], version[1] - 1


@pytest.mark.parametrize(
    ("value", "last_refused", "first_accepted"),
    [
        # ServiceTrafficDistribution: alpha 1.30 (off by default), beta 1.31.
        ("PreferClose", (1, 30), (1, 31)),
        # PreferSameTrafficDistribution: alpha 1.33 (off by default), beta 1.34.
        ("PreferSameZone", (1, 33), (1, 34)),
        ("PreferSameNode", (1, 33), (1, 34)),
    ],
)
def test_traffic_distribution_boundaries(
    tmp_path: Path, value: str, last_refused: KubeVersion, first_accepted: KubeVersion
) -> None:
    text = SERVICE.format(value=value)
    refused = _findings(tmp_path, text, last_refused, "SVC160")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in refused] == [(6, 24)]
    assert "feature gate" in refused[0].message and "off by default" in refused[0].message
    assert _findings(tmp_path, text, first_accepted, "SVC160") == []


def test_field_unknown_before_its_alpha_is_dropped_and_its_value_not_judged_again(tmp_path: Path) -> None:
    refused = _findings(tmp_path, SERVICE.format(value="PreferSameZone"), (1, 29), "SVC160")
    assert len(refused) == 1
    message = refused[0].message
    assert "spec.trafficDistribution is not known to Kubernetes 1.29" in message
    assert "drops the unknown field" in message


def test_value_behind_a_gate_is_refused_not_dropped(tmp_path: Path) -> None:
    (finding,) = _findings(tmp_path, SERVICE.format(value="PreferSameNode"), (1, 33), "SVC160")
    assert "PreferSameTrafficDistribution feature gate, off by default in Kubernetes 1.33" in finding.message
    assert "refuses the value" in finding.message


def _gated_cases() -> list[Any]:
    cases = []
    for section in ("fields", "values"):
        for row in TABLE[section]:
            for value in row.get("values", ["PreferClose"]):
                cases.append(pytest.param(row, value, id=f"{section}-{row['path']}-{value}"))
    return cases


@pytest.mark.parametrize(("row", "value"), _gated_cases())
def test_every_gated_entry_is_refused_the_version_before_and_accepted_from_since(
    tmp_path: Path, row: dict[str, Any], value: str
) -> None:
    assert row["kinds"] == ["Service"] and row["path"] == "spec.trafficDistribution"  # what SERVICE exercises
    since = parse_version_entry(row["since"])
    assert OLDEST < since <= NEWEST
    text = SERVICE.format(value=value)
    assert _findings(tmp_path, text, _previous(since), "SVC160")
    assert _findings(tmp_path, text, since, "SVC160") == []


def test_multi_feature_service_passes_on_the_newest_and_fails_on_an_old_version(tmp_path: Path) -> None:
    newest = run_text(tmp_path, MULTI_FEATURE, kube_version=NEWEST)
    assert [f for f in newest if f.severity.label == "error"] == []
    old = _findings(tmp_path, MULTI_FEATURE, (1, 29), "SVC160")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in old] == [(12, 24)]
    gated = _findings(tmp_path, MULTI_FEATURE, (1, 33), "SVC160")
    assert [(f.location.span.start_line, "PreferSameNode" in f.message) for f in gated] == [(12, True)]


INGRESS = """\
apiVersion: {api_version}
kind: {kind}
metadata:
  name: thing
"""


@pytest.mark.parametrize(
    ("api_version", "kind", "last_served", "first_refused", "replacement"),
    [
        ("networking.k8s.io/v1beta1", "Ingress", None, (1, 24), "use networking.k8s.io/v1"),
        ("extensions/v1beta1", "Ingress", None, (1, 24), "use networking.k8s.io/v1"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice", (1, 24), (1, 25), "use discovery.k8s.io/v1"),
        ("batch/v1beta1", "CronJob", (1, 24), (1, 25), "use batch/v1"),
        ("policy/v1beta1", "PodSecurityPolicy", (1, 24), (1, 25), "use Pod Security Admission"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", (1, 25), (1, 26), "use autoscaling/v2"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", (1, 25), (1, 26),
         "use flowcontrol.apiserver.k8s.io/v1beta3"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity", (1, 26), (1, 27), "use storage.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", (1, 28), (1, 29),
         "use flowcontrol.apiserver.k8s.io/v1"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", (1, 31), (1, 32), "use flowcontrol.apiserver.k8s.io/v1"),
    ],
)  # fmt: skip
def test_api_version_boundaries(
    tmp_path: Path,
    api_version: str,
    kind: str,
    last_served: KubeVersion | None,
    first_refused: KubeVersion,
    replacement: str,
) -> None:
    text = INGRESS.format(api_version=api_version, kind=kind)
    (finding,) = _findings(tmp_path, text, first_refused, "SVC161")
    assert (finding.location.span.start_line, finding.location.span.start_col) == (1, 13)
    assert f"not served by Kubernetes {version_text(first_refused)}" in finding.message
    assert replacement in finding.message
    if last_served is not None:
        assert _findings(tmp_path, text, last_served, "SVC161") == []


def test_every_removed_api_version_is_served_the_version_before_and_refused_from_removal(tmp_path: Path) -> None:
    for row in TABLE["apiVersions"]:
        removed = parse_version_entry(row["removed"])
        for kind in row["kinds"]:
            text = INGRESS.format(api_version=row["apiVersion"], kind=kind)
            assert _findings(tmp_path, text, max(removed, OLDEST), "SVC161"), (row["apiVersion"], kind)
            if removed > OLDEST:
                assert _findings(tmp_path, text, _previous(removed), "SVC161") == [], (row["apiVersion"], kind)


def test_the_same_api_version_of_another_kind_is_not_judged(tmp_path: Path) -> None:
    # policy/v1beta1 Eviction is not in the table: only the kinds the guide names are judged.
    assert _findings(tmp_path, INGRESS.format(api_version="apps/v1", kind="Deployment"), NEWEST, "SVC161") == []
    assert _findings(tmp_path, INGRESS.format(api_version="policy/v1beta1", kind="Eviction"), NEWEST, "SVC161") == []


def test_api_version_rule_reads_every_kind_of_the_table() -> None:
    (rule,) = [r for r in builtin_rules() if r.id == "SVC161"]
    table_kinds = {kind for row in TABLE["apiVersions"] for kind in row["kinds"]}
    assert rule.kinds is not None and table_kinds <= set(rule.kinds)


def test_version_dependent_rules_are_tagged() -> None:
    tagged = {r.id for r in builtin_rules() if "version-dependent" in r.tags}
    assert tagged == {r.id for r in builtin_rules() if r.function is not None and r.function.name in VERSION_FUNCTIONS}
    assert {"SVC160", "SVC161"} <= tagged


@pytest.mark.parametrize(
    ("text", "expected"), [("1.29", (1, 29)), ("v1.24", (1, 24)), (" 1.37 ", (1, 37)), (version_text(NEWEST), NEWEST)]
)
def test_parse_kube_version(text: str, expected: KubeVersion) -> None:
    assert parse_kube_version(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [("1.23", "not supported"), ("1.38", "not supported"), ("2.0", "not supported"), ("1.29.3", "MAJOR.MINOR"),
     ("latest", "MAJOR.MINOR"), ("", "MAJOR.MINOR")],
)  # fmt: skip
def test_parse_kube_version_refuses(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_kube_version(text)


def _invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(SERVICE.format(value="PreferSameZone"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", *args, "svc.yaml"], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_flag_outside_the_range_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = _invoke(tmp_path, monkeypatch, "--kube-version", "1.23")
    assert code == 2
    assert "Kubernetes 1.23 is not supported: svclint knows 1.24 through 1.37" in err


def test_flag_and_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _invoke(tmp_path, monkeypatch)[0] == 0
    code, out, _ = _invoke(tmp_path, monkeypatch, "--kube-version", "1.33")
    assert code == 1 and "svc.yaml:6:24: error SVC160" in out


def test_help_names_the_default() -> None:
    result = CliRunner().invoke(cli, ["lint", "--help"])
    assert "--kube-version" in result.stdout and "[default: 1.37" in result.stdout


@pytest.mark.parametrize("key", ["kube-version", "kubeVersion"])
def test_configuration_key_and_flag_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    (tmp_path / ".svclint.yaml").write_text(f'{key}: "1.33"\n', encoding="utf-8")
    code, out, _ = _invoke(tmp_path, monkeypatch)
    assert code == 1 and "Kubernetes 1.33" in out
    assert _invoke(tmp_path, monkeypatch, "--kube-version", "1.34")[0] == 0


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ('kube-version: "1.20"\n', ".svclint.yaml:1:15: kube-version: Kubernetes 1.20 is not supported"),
        ("kube-version: 1.30\n", "is not of type 'string'"),  # YAML reads 1.30 as the number 1.3
        ('kube-version: "1.30"\nkubeVersion: "1.30"\n', "give kube-version or kubeVersion, not both"),
    ],
)
def test_bad_configuration_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, says: str) -> None:
    (tmp_path / ".svclint.yaml").write_text(config, encoding="utf-8")
    code, _, err = _invoke(tmp_path, monkeypatch)
    assert code == 2 and says in err, err


@pytest.mark.parametrize("version", [None, "1.29"])
def test_reports_record_the_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str | None) -> None:
    flag = ("--kube-version", version) if version else ()
    expected = version or version_text(NEWEST)
    _, sarif, _ = _invoke(tmp_path, monkeypatch, "-f", "sarif", *flag)
    assert json.loads(sarif)["runs"][0]["properties"]["kubeVersion"] == expected
    _, report, _ = _invoke(tmp_path, monkeypatch, "-f", "json", *flag)
    assert json.loads(report)["kubeVersion"] == expected


def test_table_fields_match_the_per_version_schemas() -> None:
    """The fields of the version table are the fields the per-version schemas add (tools/extract_k8s_schema.py
    derives the first version that has each), for every version those schemas cover."""
    derived = json.loads((PACKAGE_DIR / "schemas" / "kubernetes" / "service-fields-by-version.json").read_text())
    assert derived["newest"] == version_text(NEWEST)
    oldest = parse_version_entry(derived["oldest"])
    # The API server resets a Service's status on create, so a field there never matters in a manifest.
    from_schemas = {path: first for path, first in derived["fields"].items() if not path.startswith("status.")}
    from_table = {
        row["path"]: row["introduced"]
        for row in TABLE["fields"]
        if "Service" in row["kinds"] and parse_version_entry(row["introduced"]) > oldest
    }
    assert from_table == from_schemas
