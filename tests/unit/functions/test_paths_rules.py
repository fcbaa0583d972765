"""The path checks across files: Gateway API routes against Services, Gateways and ReferenceGrants,
NetworkPolicies against exposed Services, hand-written endpoints and StatefulSets' governing Services; every
finding at its line and column, with its related places, and the clean cases silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, SHARED, by_rule, run_files
from svclint.core.model import Finding
from svclint.run.pipeline import lint
from svclint.run.settings import LintSettings

DATA = REPO / "tests" / "data" / "paths"
PATH_RULES = {f"SVC{n}" for n in (*range(170, 174), *range(220, 232))}


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DATA, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def _summary(findings: list[Finding]) -> list[tuple[str, str, int, int, list[tuple[str, int, int]]]]:
    return [
        (
            f.rule_id,
            f.location.path,
            f.location.span.start_line,
            f.location.span.start_col,
            [(r.path, r.span.start_line, r.span.start_col) for r in f.related],
        )
        for f in findings
        if f.rule_id in PATH_RULES
    ]


EXPECTED = [
    ("SVC173", "db/db.yaml", 92, 7, []),
    ("SVC171", "db/db.yaml", 75, 26, []),  # an IPv6 address in an IPv4 slice
    ("SVC171", "db/db.yaml", 98, 9, []),  # the metadata address
    ("SVC227", "db/db.yaml", 7, 16, []),
    ("SVC228", "db/db.yaml", 27, 16, [("db/db.yaml", 46, 1)]),
    ("SVC229", "db/db.yaml", 27, 16, [("db/db.yaml", 47, 3)]),
    ("SVC226", "db/db.yaml", 72, 9, [("db/db.yaml", 59, 3)]),
    ("SVC225", "db/db.yaml", 83, 33, []),
    ("SVC221", "gateway/routes.yaml", 14, 13, [("apps/services.yaml", 9, 3)]),
    ("SVC223", "gateway/routes.yaml", 18, 13, [("apps/services.yaml", 42, 9)]),
    ("SVC220", "gateway/routes.yaml", 20, 13, []),
    ("SVC224", "gateway/routes.yaml", 30, 5, [("infra/gateway.yaml", 15, 5)]),  # TCP listener: its namespace only
    ("SVC222", "gateway/routes.yaml", 36, 18, [("infra/gateway.yaml", 24, 1)]),  # granted to HTTPRoutes only
    ("SVC224", "gateway/routes.yaml", 46, 5, [("infra/gateway.yaml", 15, 5)]),  # a GRPCRoute on a TCP listener
    ("SVC170", "gateway/routes.yaml", 51, 7, []),
    ("SVC230", "net/web.yaml", 15, 17, [("net/policies.yaml", 7, 3), ("net/policies.yaml", 16, 3)]),
    ("SVC231", "net/web.yaml", 16, 15, [("net/agent.yaml", 21, 26)]),  # a hostNetwork pod's port, all nodes
]


def test_every_path_finding_at_its_line_with_related_places(repository: Path) -> None:
    findings = lint(LintSettings(paths=["."], use_cache=False)).findings
    assert sorted(_summary(findings)) == sorted(EXPECTED)


def test_the_cross_namespace_grant_for_the_route_kind_keeps_it_silent(repository: Path) -> None:
    # The HTTPRoute's backendRef to backend/api is granted by name; the TCPRoute's to backend/db is not.
    findings = lint(LintSettings(paths=["."], use_cache=False)).findings
    assert [f.location.span.start_line for f in by_rule(findings, "SVC222")] == [36]


def test_a_route_file_linted_alone_says_nothing_it_cannot_see(repository: Path) -> None:
    findings = lint(LintSettings(paths=["gateway/routes.yaml"], use_cache=False)).findings
    # Only what the route itself proves: the CRD's port rule. Services, grants and the Gateway are out of view.
    assert _summary(findings) == [("SVC170", "gateway/routes.yaml", 51, 7, [])]


def test_with_the_repository_as_context_the_route_file_hears_everything(repository: Path) -> None:
    findings = lint(LintSettings(paths=["gateway/routes.yaml"], context=["."], use_cache=False)).findings
    assert [f.rule_id for f in findings if f.rule_id in PATH_RULES] == [
        "SVC221", "SVC223", "SVC220", "SVC224", "SVC222", "SVC224", "SVC170",
    ]  # fmt: skip


def test_a_policy_that_admits_outside_clients_is_silent(tmp_path: Path) -> None:
    admitting = (
        (DATA / "net" / "policies.yaml")
        .read_text()
        .replace(
            "    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: frontend\n",
            "    - ipBlock:\n        cidr: 203.0.113.0/24\n",
        )
    )
    files = {"web.yaml": (DATA / "net" / "web.yaml").read_text(), "policies.yaml": admitting}
    assert by_rule(run_files(tmp_path, files).findings, "SVC230") == []


def test_cluster_traffic_policy_names_node_addresses(tmp_path: Path) -> None:
    web = (
        (DATA / "net" / "web.yaml")
        .read_text()
        .replace("externalTrafficPolicy: Local", "externalTrafficPolicy: Cluster")
    )
    files = {"web.yaml": web, "policies.yaml": (DATA / "net" / "policies.yaml").read_text()}
    (finding,) = by_rule(run_files(tmp_path, files).findings, "SVC230")
    assert "traffic arrives from node addresses" in finding.message


GATEWAY_API = SHARED / "realworld" / "kubernetes-sigs__gateway-api"


@pytest.mark.skipif(not GATEWAY_API.is_dir(), reason="the shared real-world manifests are not there")
def test_gateway_api_conformance_routes_with_dangling_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GATEWAY_API)
    findings = lint(LintSettings(paths=["."], use_cache=False)).findings
    dangling = {(f.location.path, f.location.span.start_line) for f in by_rule(findings, "SVC220")}
    assert {
        ("conformance/tests/mesh/grpcroute-weight.yaml", 20),  # GRPCRoute to echo-v3, defined nowhere
        ("conformance/tests/tcproute-invalid-backendref-nonexistent.yaml", 27),
        ("conformance/tests/tcproute-invalid-non-tcp-listener.yaml", 27),  # TCPRoute to tcp-echo-backend
    } <= dangling
    # The examples are independent snippets in `default`: no Service of theirs is in view, nothing is said.
    assert not [f for f in findings if f.rule_id in PATH_RULES and f.location.path.startswith("examples/")]
