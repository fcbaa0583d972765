"""`svclint exposure`: every way in from outside, followed to the pods, with who can reach it, in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from conftest import REPO
from svclint.cli import cli
from svclint.exposure.render_json import schema

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - {name: http, containerPort: 8080}
"""


def service(name: str = "web", kind: str = "ClusterIP", extra: str = "", port_extra: str = "") -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
{extra}spec:
  type: {kind}
  selector: {{app: web}}
  ports:
  - port: 80
    targetPort: http
{port_extra}"""


def exposure(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["exposure", "-j", "1", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def report(*args: str) -> dict[str, Any]:
    code, out, err = exposure("-f", "json", *args)
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(schema()).validate(data)
    return data


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(workdir: Path, **files: str) -> None:
    for name, text in files.items():
        (workdir / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name.replace("__", "/")).write_text(text)


def test_kubia_three_entries_with_reach_and_workloads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    entries = report("examples/")["entryPoints"]
    summary = [(e["via"], e["service"], e["port"], e["nodePort"], e["reach"]) for e in entries]
    assert summary == [
        ("LoadBalancer", "kubia-loadbalancer", 80, None, "internet"),
        ("NodePort", "kubia-loadbalancer", 80, None, "unknown"),
        ("NodePort", "kubia-nodeport", 80, 30123, "unknown"),
    ]
    assert entries[0]["sources"] == ["203.0.113.0/24"]
    assert all(e["workloads"][0] | {"location": None} == {"kind": "Deployment", "namespace": "default",
               "name": "kubia", "replicas": 3, "location": None} for e in entries)  # fmt: skip
    assert entries[2]["location"] == {"path": "examples/kubia.yaml", "line": 43, "column": 5}
    assert entries[2]["findings"] == ["SVC305", "SVC308"]
    assert "no firewall rules in view" in entries[2]["evidence"][0]


@pytest.mark.parametrize("output_format", ["text", "markdown", "html"])
def test_kubia_in_every_format(monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = exposure("-f", output_format, "examples/")
    assert code == 0
    for piece in ("kubia-loadbalancer", "kubia-nodeport", "30123", "203.0.113.0/24", "examples/kubia.yaml:43:5"):
        assert piece in out
    assert "internet" in out and "unknown" in out


def test_internal_load_balancer_reaches_the_vpc(workdir: Path) -> None:
    annotation = "  annotations:\n    networking.gke.io/load-balancer-type: Internal\n"
    write(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="LoadBalancer", extra=annotation)})
    entries = report(".")["entryPoints"]
    assert [(e["via"], e["reach"]) for e in entries] == [("LoadBalancer", "vpc"), ("NodePort", "unknown")]
    assert entries[0]["evidence"][0] == (
        'GKE\'s annotation networking.gke.io/load-balancer-type: "Internal" makes the load balancer internal (VPC-only)'
    )


def test_source_ranges_in_private_space_reach_the_vpc_only(workdir: Path) -> None:
    ranges = "  loadBalancerSourceRanges: [10.0.0.0/8, 192.168.0.0/16]\n  allocateLoadBalancerNodePorts: false\n"
    text = DEPLOYMENT + "---\n" + service(kind="LoadBalancer").replace("  selector:", ranges + "  selector:")
    write(workdir, **{"app.yaml": text})
    [entry] = report(".")["entryPoints"]
    assert (entry["reach"], entry["sources"]) == ("vpc", ["10.0.0.0/8", "192.168.0.0/16"])


FIREWALL = """\
apiVersion: compute.cnrm.cloud.google.com/v1beta1
kind: ComputeFirewall
metadata:
  name: node-ports
spec:
  networkRef: {{name: default}}
  allow:
  - protocol: tcp
    ports: ["30000-32767"]
  sourceRanges: [{source}]
"""


@pytest.mark.parametrize(("source", "reach"), [("10.0.0.0/8", "vpc"), ("0.0.0.0/0", "internet")])
def test_node_port_reach_follows_the_firewall(workdir: Path, source: str, reach: str) -> None:
    write(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="NodePort", port_extra="    nodePort: 30080\n"),
                      "firewall.yaml": FIREWALL.format(source=source)})  # fmt: skip
    [entry] = report(".")["entryPoints"]
    assert (entry["reach"], entry["sources"]) == (reach, [source])
    firewall_hop = next(h for h in entry["hops"] if h["kind"] == "firewall")
    assert firewall_hop["location"]["path"] == "firewall.yaml"


def test_host_ports_and_host_network(workdir: Path) -> None:
    daemon = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent
        ports:
        - {containerPort: 9100, hostPort: 9100}
---
apiVersion: v1
kind: Pod
metadata: {name: dns}
spec:
  hostNetwork: true
  containers:
  - name: dns
    image: dns
    ports:
    - {containerPort: 53, protocol: UDP}
"""
    write(workdir, **{"agents.yaml": daemon})
    entries = report(".")["entryPoints"]
    found = [(e["via"], e["namespace"], e["port"], e["protocol"], e["service"], e["workloads"][0]["replicas"],
              e["location"]["line"], e["location"]["column"]) for e in entries]  # fmt: skip
    assert sorted(found) == [
        ("HostPort", "default", 53, "UDP", None, 1, 24, 23),
        ("HostPort", "monitoring", 9100, "TCP", None, None, 13, 43),
    ]


INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {{kubernetes.io/ingress.class: {klass}}}
spec:
  rules:
  - host: {host}
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service: {{name: web, port: {{number: 80}}}}
"""


def test_ingress_entry_with_host_path_and_class(workdir: Path) -> None:
    write(
        workdir,
        **{
            "app.yaml": DEPLOYMENT
            + "---\n"
            + service()
            + "---\n"
            + INGRESS.format(klass="gce", host="shop.example.com")
        },
    )
    [entry] = report(".")["entryPoints"]
    assert (entry["via"], entry["address"], entry["httpPath"], entry["reach"]) == (
        "Ingress",
        "shop.example.com",
        "/api",
        "internet",
    )
    assert (entry["location"]["line"], entry["location"]["column"]) == (
        37,
        5,
    )  # the Ingress rule, in the file as written
    assert [h["kind"] for h in entry["hops"]] == ["ingress", "service", "workload"]


def test_ingress_of_another_class_says_what_is_missing(workdir: Path) -> None:
    write(
        workdir,
        **{"app.yaml": DEPLOYMENT + "---\n" + service() + "---\n" + INGRESS.format(klass="nginx", host="a.example")},
    )
    [entry] = report(".")["entryPoints"]
    assert entry["reach"] == "unknown"
    assert "class nginx" in entry["evidence"][0] and "controller's own Service" in entry["evidence"][0]


def test_network_policy_that_admits_nobody_from_outside_blocks_the_entry(workdir: Path) -> None:
    policy = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: same-namespace-only}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {}
"""
    write(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="LoadBalancer") + "---\n" + policy})
    entries = report(".")["entryPoints"]
    assert {e["reach"] for e in entries} == {"blocked"}
    assert any(h["kind"] == "policy" and "same-namespace-only" in h["text"] for h in entries[0]["hops"])


def test_only_reported_files_give_entries(workdir: Path) -> None:
    write(workdir, **{"app.yaml": DEPLOYMENT, "svc.yaml": service(kind="NodePort")})
    entries = report("--context", "svc.yaml", "app.yaml")["entryPoints"]
    assert entries == []
    [entry] = report("--context", "app.yaml", "svc.yaml")["entryPoints"]
    assert entry["workloads"][0]["name"] == "web"  # the context file's workload is on the path


HOSTILE = "<img src=x onerror=alert(1)>|@admins [x](javascript:alert(2))"


def test_hostile_names_are_escaped_in_html_and_markdown(workdir: Path) -> None:
    ingress = INGRESS.format(klass="gce", host=json.dumps(HOSTILE))
    write(workdir, **{"javascript:alert(3).yaml": DEPLOYMENT + "---\n" + service() + "---\n" + ingress})
    code, html, _ = exposure("-f", "html", ".")
    assert code == 0
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="./javascript' in html and 'href="javascript' not in html
    assert "script-src 'sha256-" in html and "unsafe-inline" not in html
    code, markdown, _ = exposure("-f", "markdown", ".")
    row = next(line for line in markdown.splitlines() if "Ingress" in line and "onerror" in line)
    assert row.count(" | ") == 6  # the name's pipe does not open a column
    assert "\\<img" in row and "\\@admins" in row and "\\[x\\]" in row


def test_output_file_goes_through_the_safe_writer(workdir: Path) -> None:
    write(workdir, **{"svc.yaml": service(kind="NodePort")})
    (workdir / "target").write_text("keep")
    (workdir / "report.html").symlink_to(workdir / "target")
    code, _, err = exposure("-f", "html", "-o", "report.html", "svc.yaml")
    assert code == 2 and "symbolic link" in err
    assert (workdir / "target").read_text() == "keep"
    code, _, _ = exposure("-f", "html", "-o", "out.html", "svc.yaml")
    assert code == 0 and (workdir / "out.html").read_text().startswith("<!DOCTYPE html>")


# --- What a change exposes ------------------------------------------------------------------------------------


def base_report(workdir: Path, **files: str) -> Path:
    """The target branch's report, written as CI would: `svclint exposure -f json -o base.json`."""
    branch = workdir / "base"
    for name, text in files.items():
        (branch / name).parent.mkdir(parents=True, exist_ok=True)
        (branch / name).write_text(text)
    code, out, err = exposure("-f", "json", "base")
    assert code == 0, err
    (workdir / "base.json").write_text(out.replace('"path": "base/', '"path": "head/'))
    return workdir / "base.json"


def head(workdir: Path, **files: str) -> None:
    for name, text in files.items():
        (workdir / "head" / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / "head" / name).write_text(text)


def test_diff_cluster_ip_turned_load_balancer_is_new_on_the_internet(workdir: Path) -> None:
    base_report(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service()})
    head(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="LoadBalancer")})
    data = report("--diff", "base.json", "head")
    assert [(e["via"], e["change"]) for e in data["entryPoints"]] == [("LoadBalancer", "new"), ("NodePort", "new")]
    code, _, err = exposure("--diff", "base.json", "--fail-on-new", "internet", "head")
    assert code == 1
    assert "newly exposed (internet): head/app.yaml:" in err and "default/web:80/TCP" in err


def test_diff_firewall_opened_to_everyone_changes_reach(workdir: Path) -> None:
    app = DEPLOYMENT + "---\n" + service(kind="NodePort", port_extra="    nodePort: 30080\n")
    base_report(workdir, **{"app.yaml": app, "firewall.yaml": FIREWALL.format(source="10.0.0.0/8")})
    head(workdir, **{"app.yaml": app, "firewall.yaml": FIREWALL.format(source="10.0.0.0/8"),
                     "open.yaml": FIREWALL.format(source="0.0.0.0/0").replace("node-ports", "open")})  # fmt: skip
    [entry] = report("--diff", "base.json", "head")["entryPoints"]
    assert (entry["change"], entry["previousReach"], entry["reach"]) == ("reach", "vpc", "internet")
    code, out, _ = exposure("-f", "markdown", "--diff", "base.json", "--fail-on-new", "internet", "head")
    assert code == 1 and "reach changed \\(was vpc\\)" not in out and "reach changed (was vpc)" in out


def test_diff_rename_only_is_not_new(workdir: Path) -> None:
    base_report(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="LoadBalancer")})
    head(
        workdir,
        **{
            "moved/app.yaml": "# moved and renamed\n"
            + DEPLOYMENT
            + "---\n"
            + service("storefront", kind="LoadBalancer")
        },
    )
    data = report("--diff", "base.json", "head")
    assert [(e["change"], e["service"], e.get("previousService")) for e in data["entryPoints"]] == [
        ("renamed", "storefront", "web"),
        ("renamed", "storefront", "web"),
    ]
    assert data["diff"] | {"base": None} == {
        "base": None,
        "new": 0,
        "gone": 0,
        "reach": 0,
        "renamed": 2,
        "unchanged": 0,
    }
    code, out, _ = exposure("--diff", "base.json", "--fail-on-new", "internet", "head")
    assert code == 0, out


def test_diff_reports_gone_entries_and_refuses_a_bad_base(workdir: Path) -> None:
    base_report(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service(kind="NodePort")})
    head(workdir, **{"app.yaml": DEPLOYMENT + "---\n" + service()})
    data = report("--diff", "base.json", "head")
    assert [(e["via"], e["change"]) for e in data["entryPoints"]] == [("NodePort", "gone")]
    (workdir / "bad.json").write_text('{"version": 1, "entryPoints": [{"via": "Teleport"}]}')
    code, _, err = exposure("--diff", "bad.json", "head")
    assert code == 2 and "bad.json: not a valid exposure report at entryPoints/0" in err
    code, _, err = exposure("--fail-on-new", "internet", "head")
    assert code == 2 and "--fail-on-new needs --diff" in err


def test_kustomize_builds_are_reported_as_built_with_positions_in_their_sources(workdir: Path) -> None:
    write(
        workdir,
        **{
            "base__app.yaml": DEPLOYMENT + "---\n" + service(),
            "base__kustomization.yaml": "resources:\n- app.yaml\n",
            "prod__kustomization.yaml": "namePrefix: prod-\nnamespace: shop\nresources:\n- ../base\n"
            "patches:\n- path: public.yaml\n",
            "prod__public.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n",
        },
    )
    entries = report(".")["entryPoints"]
    assert [(e["via"], e["namespace"], e["service"], e["reach"]) for e in entries] == [
        ("LoadBalancer", "shop", "prod-web", "internet"),
        ("NodePort", "shop", "prod-web", "unknown"),
    ]
    assert entries[0]["workloads"][0]["name"] == "prod-web"
    assert entries[0]["location"] == {"path": "base/app.yaml", "line": 27, "column": 5}  # the port, in the base
    assert entries[0]["hops"][0]["location"] == {"path": "prod/public.yaml", "line": 6, "column": 9}  # the patch


def test_html_of_500_services_stays_one_readable_file(workdir: Path) -> None:
    for i in range(500):
        kind = ("ClusterIP", "NodePort", "LoadBalancer")[i % 3]
        text = (
            DEPLOYMENT.replace("web", f"app-{i}")
            + "---\n"
            + service(f"app-{i}", kind).replace("app: web", f"app: app-{i}")
        )
        if kind == "ClusterIP":
            text += "---\n" + INGRESS.format(klass="gce", host=f"app-{i}.example.com").replace(
                "name: web", f"name: app-{i}"
            )
        write(workdir, **{f"team-{i % 20}__app-{i}.yaml": text})
    data = report(".")
    assert len(data["entryPoints"]) == 167 + 167 + 166 * 2  # Ingress; NodePort; LoadBalancer and its node port
    code, html, _ = exposure("-f", "html", ".")
    assert code == 0
    assert html.count('<details class="entry"') == len(data["entryPoints"])
    assert len(html.encode()) < 3_000_000  # about 3.7 KB an entry, pictures included
