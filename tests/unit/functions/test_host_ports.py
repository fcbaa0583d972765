"""Ports pods take on their nodes across files: host-port collisions between workloads (SVC233, SVC234) with the
scheduler's NodePorts semantics (protocol, hostIP) and node selection, and firewall coverage of host ports
(SVC406, and SVC404 that no longer calls a rule for a host port stale)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import by_rule, places, run_files
from svclint.core.model import Finding

AGENT = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: monitoring
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:{agent_spec}
      containers:
      - name: agent
        image: example/agent:1.0
        ports:
        - containerPort: 8080
          hostPort: 9100{agent_port}
"""
EXPORTER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: exporter
  namespace: monitoring
spec:
  replicas: 3
  selector:
    matchLabels:
      app: exporter
  template:
    metadata:
      labels:
        app: exporter
    spec:
      hostNetwork: true{exporter_spec}
      containers:
      - name: exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        ports:
        - containerPort: 9100{exporter_port}
"""


def _run(
    tmp_path: Path,
    agent_port: str = "",
    exporter_spec: str = "",
    exporter_port: str = "",
    agent_spec: str = "",
    **settings: Any,
) -> list[Finding]:
    files = {
        "agents/agent.yaml": AGENT.format(agent_port=agent_port, agent_spec=agent_spec),
        "apps/exporter.yaml": EXPORTER.format(exporter_spec=exporter_spec, exporter_port=exporter_port),
    }
    return run_files(tmp_path, files, **settings).findings


def test_a_daemonset_and_a_host_network_pod_on_the_same_port(tmp_path: Path) -> None:
    (finding,) = by_rule(_run(tmp_path), "SVC233")
    # Reported once, at the workload defined later (apps/ after agents/), at its containerPort.
    assert places([finding]) == [("apps/exporter.yaml", 21, 26)]
    assert [(r.path, r.span.start_line, r.span.start_col) for r in finding.related] == [("agents/agent.yaml", 20, 21)]
    assert finding.message == (
        "host port 9100/TCP is also taken by DaemonSet monitoring/agent: on every node where both would run, one "
        "pod cannot be scheduled (a DaemonSet's pod stays Pending there)"
    )


def test_the_scheduler_compares_protocol_and_host_address(tmp_path: Path) -> None:
    assert by_rule(_run(tmp_path / "udp", agent_port="\n          protocol: UDP"), "SVC233") == []
    two_addresses = {"agent_port": "\n          hostIP: 10.0.0.1", "exporter_port": "\n          hostIP: 10.0.0.2"}
    assert by_rule(_run(tmp_path / "ips", **two_addresses), "SVC233") == []
    every_address = {"agent_port": "\n          hostIP: 10.0.0.1", "exporter_port": "\n          hostIP: 0.0.0.0"}
    assert len(by_rule(_run(tmp_path / "any", **every_address), "SVC233")) == 1


def test_node_selection_that_contradicts_keeps_them_apart(tmp_path: Path) -> None:
    linux, windows = ("\n      nodeSelector:\n        kubernetes.io/os: " + os for os in ("linux", "windows"))
    assert by_rule(_run(tmp_path / "apart", exporter_spec=windows, agent_spec=linux), "SVC233") == []
    # A zone and an operating system: a node may carry both labels, so they may meet.
    zone = "\n      nodeSelector:\n        topology.kubernetes.io/zone: a"
    (finding,) = by_rule(_run(tmp_path / "zone", exporter_spec=zone, agent_spec=linux), "SVC233")
    assert "on every node that satisfies both workloads' node selection, one pod cannot be scheduled" in (
        finding.message
    )


def test_workloads_of_unrelated_projects_never_meet(tmp_path: Path) -> None:
    files = {
        "one/agents/agent.yaml": AGENT.format(agent_port="", agent_spec=""),
        "two/apps/exporter.yaml": EXPORTER.format(exporter_spec="", exporter_port=""),
    }
    (tmp_path / "one" / ".git").mkdir(parents=True)
    (tmp_path / "two" / ".git").mkdir(parents=True)
    assert by_rule(run_files(tmp_path, files).findings, "SVC233") == []


def test_two_deployments_get_a_note_and_one_workloads_overlays_nothing(tmp_path: Path) -> None:
    other = EXPORTER.format(exporter_spec="", exporter_port="").replace("exporter", "collector")
    files = {"apps/exporter.yaml": EXPORTER.format(exporter_spec="", exporter_port=""), "apps/collector.yaml": other}
    (note,) = by_rule(run_files(tmp_path, files).findings, "SVC234")
    assert places([note]) == [("apps/exporter.yaml", 21, 26)]
    assert "their 6 pods need as many nodes" in note.message
    overlay = {
        "base/exporter.yaml": files["apps/exporter.yaml"],
        "overlays/prod/exporter.yaml": files["apps/exporter.yaml"],
    }
    assert by_rule(run_files(tmp_path / "overlays", overlay).findings, "SVC234") == []


FIREWALL = """\
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata:
  name: allow-agent
spec:
  networkRef:
    name: default
  allow:
  - protocol: tcp
    ports: ["{port}"]
"""


def test_host_ports_need_a_firewall_rule_like_node_ports(tmp_path: Path) -> None:
    files = {
        "agents/agent.yaml": AGENT.format(agent_port="", agent_spec=""),
        "apps/exporter.yaml": EXPORTER.format(exporter_spec="", exporter_port=""),
        "fw.yaml": FIREWALL.format(port="9100"),
    }
    assert by_rule(run_files(tmp_path / "open", files, require_firewall=True).findings, "SVC406") == []
    files["fw.yaml"] = FIREWALL.format(port="80")
    closed = by_rule(run_files(tmp_path / "closed", files, require_firewall=True).findings, "SVC406")
    assert places(closed) == [("agents/agent.yaml", 20, 21), ("apps/exporter.yaml", 21, 26)]
    assert "--allow=tcp:9100" in closed[0].message
    loopback = {
        **files,
        "apps/exporter.yaml": EXPORTER.format(exporter_spec="", exporter_port="\n          hostIP: 127.0.0.1"),
    }
    assert places(by_rule(run_files(tmp_path / "loopback", loopback, require_firewall=True).findings, "SVC406")) == [
        ("agents/agent.yaml", 20, 21)
    ]


def test_a_rule_for_a_host_port_in_the_node_port_range_is_not_stale(tmp_path: Path) -> None:
    agent = AGENT.format(agent_port="", agent_spec="").replace("hostPort: 9100", "hostPort: 30910")
    files = {"agents/agent.yaml": agent, "fw.yaml": FIREWALL.format(port="30910")}
    assert by_rule(run_files(tmp_path / "used", files, paths=["."], require_firewall=True).findings, "SVC404") == []
    files["agents/agent.yaml"] = agent.replace("hostPort: 30910", "hostPort: 30911")
    assert (
        len(by_rule(run_files(tmp_path / "stale", files, paths=["."], require_firewall=True).findings, "SVC404")) == 1
    )
