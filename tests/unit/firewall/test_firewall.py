"""Firewall coverage: every source format, every near miss, each verdict at its line."""

from __future__ import annotations

import ipaddress
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli
from svclint.firewall.model import AddressSet, FirewallModel, FirewallRule, Permission, PortRange
from svclint.firewall.settings import FirewallSettings
from svclint.firewall.sources import FirewallFileError, load_export
from svclint.run.config import firewall_settings
from svclint.run.pipeline import lint
from svclint.run.settings import LintSettings

DATA = REPO / "tests" / "data" / "firewall"
LINES = {port: 12 + 12 * index for index, port in enumerate([30100, 30101, 30102, 30104, 30105, 30106, 30107,
                                                             30108, 30109, 30110])}  # fmt: skip


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(DATA, tmp_path / "fw")
    monkeypatch.chdir(tmp_path / "fw")
    return tmp_path / "fw"


def _closed(export: str, **firewall: object) -> dict[int, str]:
    """nodePort -> message, for every node port the firewall does not open."""
    config = {"require": True, "rules-files": [export], **firewall}
    settings = LintSettings(paths=["services.yaml"], use_cache=False, **firewall_settings(config, Path.cwd()))
    closed = {}
    for finding in lint(settings).findings:
        if finding.rule_id == "SVC401":
            port = next(p for p, line in LINES.items() if line == finding.location.span.start_line)
            assert finding.location.span.start_col == 15
            closed[port] = finding.message
    return closed


def test_gcloud_export_every_near_miss(workdir: Path) -> None:
    closed = _closed("gcloud.json", network="prod", **{"node-tags": ["gke-node"]})
    assert sorted(closed) == [30101, 30102, 30104, 30105, 30106, 30108, 30109]
    assert "allow-30101-udp (allow udp:30101) opens udp:30101, not tcp" in closed[30101]
    assert "allow-30103 (allow tcp:30103) opens other tcp ports" in closed[30102]
    assert "allow-30104-disabled (allow tcp:30104) is disabled" in closed[30104]
    assert "allow-30105-egress (allow tcp:30105) is an EGRESS rule" in closed[30105]
    assert "deny-30106 (deny tcp:30106) denies tcp:30106 at priority 900" in closed[30106]
    assert "--priority=899" in closed[30106]
    assert "targets tags bastion, which the nodes (gke-node) do not carry" in closed[30108]
    assert "is on network staging, not prod" in closed[30109]
    assert (
        "gcloud compute firewall-rules create allow-app-30101-30101 --network=prod --direction=INGRESS "
        "--allow=tcp:30101 --source-ranges=0.0.0.0/0 --target-tags=gke-node"
    ) in closed[30101]


def test_client_ranges_must_all_be_admitted(workdir: Path) -> None:
    closed = _closed("gcloud.json", network="prod", **{"node-tags": ["gke-node"], "client-ranges": ["203.0.113.0/24"]})
    assert 30110 in closed and "admits 10.0.0.0/8, not all clients" in closed[30110]
    assert 30100 not in closed and 30107 not in closed


def test_without_node_tags_tagged_rules_are_assumed_to_apply(workdir: Path) -> None:
    assert 30108 not in _closed("gcloud.json", network="prod")


def test_aws_export_is_a_union_of_allows(workdir: Path) -> None:
    closed = _closed("aws.json")
    # the self-referencing all-traffic rule admits only other nodes: no port counts as open through it
    assert sorted(closed) == [30101, 30102, 30104, 30105, 30106, 30107, 30109, 30110]
    assert "opens udp:30101, not tcp" in closed[30101]
    assert "aws ec2 authorize-security-group-ingress --group-id sg-0nodes --protocol tcp --port 30102" in closed[30102]
    only_nodes = _closed("aws.json", **{"security-groups": ["eks-nodes"]})
    assert 30108 in only_nodes and "is not one of the nodes' security groups" in only_nodes[30108]


def test_terraform_gcp_plan(workdir: Path) -> None:
    closed = _closed("terraform-gcp.json")
    assert 30100 not in closed
    assert "deny-30106 (deny tcp:30106) denies tcp:30106 at priority 500" in closed[30106]


def test_terraform_aws_plan_with_child_modules(workdir: Path) -> None:
    closed = _closed("terraform-aws.json")
    assert sorted(closed) == [30101, 30105, 30106, 30107, 30108, 30109, 30110]  # 30102-30104 are one range


def test_related_location_points_into_the_export_file(workdir: Path) -> None:
    config = {"require": True, "rules-files": ["gcloud.json"], "network": "prod"}
    settings = LintSettings(paths=["services.yaml"], use_cache=False, **firewall_settings(config, Path.cwd()))
    finding = next(f for f in lint(settings).findings if f.rule_id == "SVC401" and f.location.span.start_line == 24)
    (related,) = finding.related
    assert related.path.endswith("gcloud.json")
    entry = json.loads((workdir / "gcloud.json").read_text())
    assert entry[1]["name"] == "allow-30101-udp"
    line = (workdir / "gcloud.json").read_text().splitlines()[related.span.start_line - 1]
    assert line.strip() == '"name": "allow-30101-udp",'


def test_kubia_with_and_without_its_compute_firewall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO / "examples" / "kubia.yaml", tmp_path / "kubia.yaml")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["lint", "--require-firewall", "--fail-on", "warning", "."])
    assert result.exit_code == 1
    assert "kubia.yaml:45:15: warning SVC401 spec.ports[0].nodePort 30123/tcp is not open" in result.stdout
    (tmp_path / "firewall.yaml").write_text(
        "apiVersion: compute.cnrm.cloud.google.com/v1beta1\nkind: ComputeFirewall\nmetadata:\n"
        "  name: allow-kubia-nodeport\nspec:\n  networkRef:\n    name: default\n  allow:\n"
        '  - protocol: tcp\n    ports: ["30123"]\n'
    )
    result = runner.invoke(cli, ["lint", "--require-firewall", "--fail-on", "warning", "."])
    assert result.exit_code == 0, result.stdout


def test_open_range_and_stale_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules.json").write_text(
        json.dumps(
            [
                {"name": "open-all", "allowed": [{"IPProtocol": "tcp", "ports": ["30000-32767"]}],
                 "sourceRanges": ["0.0.0.0/0"], "direction": "INGRESS", "priority": 1000},
                {"name": "old-app", "allowed": [{"IPProtocol": "tcp", "ports": ["30555"]}],
                 "sourceRanges": ["203.0.113.0/24"], "direction": "INGRESS", "priority": 1000},
                {"name": "https", "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}],
                 "sourceRanges": ["0.0.0.0/0"], "direction": "INGRESS", "priority": 1000},
            ],
            indent=2,
        )
    )  # fmt: skip
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n"
    )
    result = CliRunner().invoke(cli, ["lint", "--require-firewall", "--firewall-rules", "rules.json", "k8s"])
    lines = [line for line in result.stdout.splitlines() if line.startswith("rules.json")]
    assert [line.split()[0:3] for line in lines] == [
        ["rules.json:6:9:", "warning", "SVC403"],  # the allowed entry: "IPProtocol": "tcp"
        ["rules.json:22:9:", "note", "SVC404"],
    ]
    # one file given (a partial view): the stale-rule check stays silent
    result = CliRunner().invoke(cli, ["lint", "--require-firewall", "--firewall-rules", "rules.json", "k8s/svc.yaml"])
    assert "SVC404" not in result.stdout and "SVC403" in result.stdout


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ('{"hello": "world"}', "not a firewall export svclint knows"),
        ('[{"name": "x", "allowed": [{"ports": ["80"]}]}]', "has no IPProtocol"),
        ('[{"name": "x", "allowed": [{"IPProtocol": "tcp", "ports": ["http"]}]}]', "is not a number"),
        ('{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 9, '
         '"ToPort": 1}]}]}', "port range 9-1"),
    ],
)  # fmt: skip
def test_malformed_export_is_exit_2_with_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(FirewallFileError, match=fragment):
        load_export(str(path), path.read_bytes())
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 1}]}\n"
    )
    result = CliRunner().invoke(cli, ["lint", "--firewall-rules", str(path), str(tmp_path / "svc.yaml")])
    assert result.exit_code == 2 and "bad.json" in result.stderr and fragment in result.stderr


def _rule(name: str, action: str, priority: int, ports: str, sources: str = "0.0.0.0/0") -> FirewallRule:
    low, _, high = ports.partition("-")
    return FirewallRule(
        name=name,
        provider="gcp",
        resource=None,  # type: ignore[arg-type]
        action=action,
        priority=priority,
        permissions=(Permission("tcp", (PortRange(int(low), int(high or low)),)),),
        sources=AddressSet.of([ipaddress.ip_network(sources)]),
    )


def test_gcp_priority_and_deny_wins_ties() -> None:
    allow = _rule("allow", "allow", 1000, "30000-32767")
    tie = _rule("deny-tie", "deny", 1000, "30080")
    assert FirewallModel([allow], FirewallSettings()).verdict("tcp", 30080).allowed
    assert not FirewallModel([allow, tie], FirewallSettings()).verdict("tcp", 30080).allowed
    lower = _rule("deny-low", "deny", 1001, "30080")
    assert FirewallModel([allow, lower], FirewallSettings()).verdict("tcp", 30080).allowed


def test_a_partial_deny_leaves_other_sources_allowed() -> None:
    allow = _rule("allow", "allow", 1000, "30080")
    deny = _rule("deny-office", "deny", 900, "30080", "203.0.113.0/24")
    model = FirewallModel([allow, deny], FirewallSettings())
    assert model.verdict("tcp", 30080).allowed  # the rest of the internet still gets through
    office = FirewallSettings(client_ranges=(ipaddress.ip_network("203.0.113.0/24"),))
    assert not FirewallModel([allow, deny], office).verdict("tcp", 30080).allowed


def test_range_verdict_finds_the_first_closed_port() -> None:
    model = FirewallModel(
        [_rule("a", "allow", 1000, "30000-31000"), _rule("b", "allow", 1000, "31002-32767")], FirewallSettings()
    )
    assert model.range_verdict("tcp", 30000, 32767) == (False, 31001)
    assert model.range_verdict("tcp", 30000, 31000) == (True, None)
