"""Cloud load balancers: internal-LB annotations read as each provider reads them (SVC301, SVC311) and the
ports that make a public load balancer worth a warning (SVC312)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SHARED, builtin_rules, by_rule, lines_of, run_files, run_text
from svclint.cli import cli
from svclint.core.model import Severity
from svclint.engine.tables import builtin_tables

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: cache
  annotations:
{annotations}
spec:
  type: {type}
  selector:
    app: cache
  ports:
  - name: redis
    port: 6379
"""
ANNOTATION_LINE = 6  # the first annotation's line in SERVICE; `type:` and the port follow the annotations


def type_line(annotations: dict[str, str]) -> int:
    return 7 + len(annotations)


def port_line(annotations: dict[str, str]) -> int:
    return 11 + len(annotations)


def service(annotations: dict[str, str], service_type: str = "LoadBalancer") -> str:
    lines = [f'    {key}: "{value}"' for key, value in annotations.items()] or ["    example.com/none: x"]
    return SERVICE.format(annotations="\n".join(lines), type=service_type)


def lint(tmp_path: Path, annotations: dict[str, str], service_type: str = "LoadBalancer") -> dict[str, Any]:
    findings = run_text(tmp_path, service(annotations, service_type))
    return {rule: by_rule(findings, rule) for rule in ("SVC301", "SVC311", "SVC312")}


AWS_LBC = {"service.beta.kubernetes.io/aws-load-balancer-type": "external"}
OCI_NLB = {"oci.oraclecloud.com/load-balancer-type": "nlb"}

# One accepted internal value per provider annotation, as its controller reads it.
INTERNAL = [
    {"networking.gke.io/load-balancer-type": "Internal"},
    {"networking.gke.io/load-balancer-type": "internal"},
    {"cloud.google.com/load-balancer-type": "Internal"},
    {**AWS_LBC, "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
    {**AWS_LBC, "service.beta.kubernetes.io/aws-load-balancer-internal": "true"},
    {**AWS_LBC, "service.beta.kubernetes.io/aws-load-balancer-internal": "1"},
    AWS_LBC,  # the AWS Load Balancer Controller's default scheme is internal
    {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"},
    {"service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0"},  # old examples: any value but "false"
    {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
    {"service.beta.kubernetes.io/oci-load-balancer-internal": "true"},
    {"service.beta.kubernetes.io/oci-load-balancer-internal": "T"},
    {**OCI_NLB, "service.beta.kubernetes.io/oci-network-load-balancer-internal": "true"},
    {"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": "private"},
    {"service.beta.kubernetes.io/do-loadbalancer-network": "INTERNAL"},
    {"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet"},
    {"service.beta.kubernetes.io/openstack-internal-load-balancer": "true"},
]


@pytest.mark.parametrize("annotations", INTERNAL, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()))
def test_an_internal_load_balancer_is_not_in_the_public_inventory(tmp_path: Path, annotations: dict[str, str]) -> None:
    found = lint(tmp_path, annotations)
    assert found == {"SVC301": [], "SVC311": [], "SVC312": []}, found


# Values the provider does not accept: (annotations, the bad annotation's line, what the provider does, public?)
BAD_VALUES = [
    ({"networking.gke.io/load-balancer-type": "INTERNAL"}, 6, 'did you mean "Internal"', True),
    ({"cloud.google.com/load-balancer-type": "private"}, 6, "external load balancer", True),
    ({"service.beta.kubernetes.io/azure-load-balancer-internal": "yes"}, 6, "the load balancer is public", True),
    ({"service.beta.kubernetes.io/azure-load-balancer-internal": "True"}, 6, 'did you mean "true"', True),
    ({"service.beta.kubernetes.io/aws-load-balancer-internal": "False"}, 6, "the load balancer is internal", False),
    ({"service.beta.kubernetes.io/aws-load-balancer-internal": "no"}, 6, "the load balancer is internal", False),
    ({**AWS_LBC, "service.beta.kubernetes.io/aws-load-balancer-scheme": "Internal"}, 7, "no load balancer", False),
    ({**AWS_LBC, "service.beta.kubernetes.io/aws-load-balancer-internal": "yes"}, 7, "strconv.ParseBool", False),
    ({"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}, 6, "internet-facing", True),
    ({"service.beta.kubernetes.io/oci-load-balancer-internal": "yes"}, 6, "no load balancer is created", False),
    ({**OCI_NLB, "service.beta.kubernetes.io/oci-network-load-balancer-internal": "on"}, 7, "ParseBool", False),
    ({**OCI_NLB, "service.beta.kubernetes.io/oci-load-balancer-internal": "true"}, 7, "the load balancer is", True),
    ({"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": "Private"}, 6, "private one", False),
    ({"service.beta.kubernetes.io/do-loadbalancer-network": "internal"}, 6, "no load balancer", False),
    ({"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "private"}, 6, "not known", False),
    ({"service.beta.kubernetes.io/openstack-internal-load-balancer": "yes"}, 6, "internal-lb setting", False),
]


@pytest.mark.parametrize(
    ("annotations", "line", "says", "public"), BAD_VALUES, ids=lambda v: str(v) if not isinstance(v, dict) else ""
)
def test_a_value_the_provider_does_not_accept_is_reported_at_the_annotation(
    tmp_path: Path, annotations: dict[str, str], line: int, says: str, public: bool
) -> None:
    found = lint(tmp_path, annotations)
    assert lines_of(found["SVC311"]) == [line], [f.message for f in found["SVC311"]]
    message = found["SVC311"][0].message
    assert says in message, message
    # The inventory follows what the provider does: a public load balancer is listed, and its Redis port warned.
    assert lines_of(found["SVC301"]) == ([type_line(annotations)] if public else [])
    assert lines_of(found["SVC312"]) == ([port_line(annotations)] if public else [])


@pytest.mark.parametrize("service_type", ["ClusterIP", "NodePort"])
def test_an_internal_annotation_on_a_service_that_is_not_a_load_balancer_does_nothing(
    tmp_path: Path, service_type: str
) -> None:
    found = lint(tmp_path, {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}, service_type)
    assert lines_of(found["SVC311"]) == [ANNOTATION_LINE]
    assert f"spec.type is {service_type}: no load balancer is created" in found["SVC311"][0].message


def test_a_public_value_on_a_service_that_is_not_a_load_balancer_is_not_reported(tmp_path: Path) -> None:
    found = lint(tmp_path, {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"}, "ClusterIP")
    assert found["SVC311"] == []


def test_the_annotation_table_gives_a_source_for_every_entry() -> None:
    table = builtin_tables()["loadBalancerAnnotations"]
    providers = {row["provider"] for row in table["annotations"]}
    assert {"GKE", "AWS (in-tree)", "AWS Load Balancer Controller", "Azure", "Oracle Cloud (OCI)", "IBM Cloud"} <= (
        providers
    )
    assert {"DigitalOcean", "Alibaba Cloud", "OpenStack"} <= providers
    for row in [*table["annotations"], *table["defaults"]]:
        assert row["source"].strip() and row["reads"].strip(), row


def _sensitive_entries() -> list[Any]:
    (rule,) = [rule for rule in builtin_rules() if rule.id == "SVC312"]
    return [pytest.param(entry, id=entry["what"]) for entry in rule.options["sensitive"]]


@pytest.mark.parametrize("entry", _sensitive_entries())
def test_every_sensitive_entry_is_found_by_its_port_and_by_its_name(tmp_path: Path, entry: dict[str, Any]) -> None:
    ports: list[Any] = []
    for port in entry.get("ports", []):
        ports.append(f"  - port: 443\n    targetPort: {port}\n    name: web-{len(ports)}")  # behind a web port
    for name in entry.get("names", []):
        ports.append(f"  - port: 8443\n    name: tcp-{name}")
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: LoadBalancer\n  ports:\n"
    text += "\n".join(ports) + "\n"
    starts = [8]
    for item in ports[:-1]:
        starts.append(starts[-1] + item.count("\n") + 1)
    findings = by_rule(run_text(tmp_path, text), "SVC312")
    assert lines_of(findings) == starts
    assert all(entry["what"] in f.message and entry["reason"].split(";")[0] in f.message for f in findings)


def test_web_ports_are_only_in_the_inventory_and_other_ports_are_warned(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  type: LoadBalancer
  ports:
  - port: 80
  - port: 443
    targetPort: 3000
  - port: 9000
    name: grpc-api
  - port: 9001
    appProtocol: kubernetes.io/h2c
  - port: 3000
  - port: 27015
    protocol: UDP
"""
    findings = run_text(tmp_path, text)
    assert lines_of(by_rule(findings, "SVC301")) == [6]
    assert by_rule(findings, "SVC301")[0].severity is Severity.NOTE
    warned = by_rule(findings, "SVC312")
    assert lines_of(warned) == [15, 16]
    assert all("a non-web port" in f.message and f.severity is Severity.WARNING for f in warned)


@pytest.mark.parametrize(("value", "lines"), [("true", []), ("yes", [6])])
def test_a_patch_says_nothing_about_exposure_but_its_annotation_values_are_checked(
    tmp_path: Path, value: str, lines: list[int]
) -> None:
    files = {
        "kustomization.yaml": "resources: [svc.yaml]\npatches:\n- path: patch.yaml\n",
        "svc.yaml": service({"networking.gke.io/load-balancer-type": "Internal"}),
        "patch.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\n"
        f'  annotations:\n    service.beta.kubernetes.io/azure-load-balancer-internal: "{value}"\n',
    }
    findings = run_files(tmp_path, files).findings
    assert [f for f in findings if f.rule_id in ("SVC301", "SVC312")] == []
    assert [(f.location.path, f.location.span.start_line) for f in by_rule(findings, "SVC311")] == [
        ("patch.yaml", line) for line in lines
    ]


def test_a_load_balancer_class_of_another_implementation_is_not_called_public(tmp_path: Path) -> None:
    text = service({}).replace("  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerClass: io.cilium/bgp\n")
    found = {rule: by_rule(run_text(tmp_path, text), rule) for rule in ("SVC301", "SVC312")}
    assert found == {"SVC301": [], "SVC312": []}


def test_an_istio_gateway_is_a_web_entry_point(tmp_path: Path) -> None:
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
spec:
  type: LoadBalancer
  ports:
  - name: status-port
    port: 15021
  - name: http2
    port: 80
  - name: https
    port: 443
  - name: tls
    port: 15443
"""
    findings = run_text(tmp_path, text)
    assert lines_of(by_rule(findings, "SVC301")) == [6] and by_rule(findings, "SVC312") == []


def test_every_public_load_balancer_becomes_a_warning_when_the_configuration_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("web.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 443\n"
    )
    runner = CliRunner()
    default = runner.invoke(cli, ["lint", "--fail-on", "warning", "web.yaml"])
    Path(".svclint.yaml").write_text("severity:\n  load-balancer-without-source-ranges: warning\n")
    raised = runner.invoke(cli, ["lint", "--fail-on", "warning", "web.yaml"])
    assert default.exit_code == 0 and "SVC301" in default.output, default.output
    assert raised.exit_code == 1 and "warning" in raised.output and "SVC301" in raised.output, raised.output


@pytest.mark.skipif(not (SHARED / "realworld").is_dir(), reason="shared real-world manifests not present")
def test_the_internal_load_balancer_of_a_real_project_is_not_called_public(tmp_path: Path) -> None:
    path = SHARED / "realworld/GoogleCloudPlatform__bank-of-anthos/extras/tls-ip-selfsigned/frontend-service.yaml"
    findings = run_text(tmp_path, path.read_text())
    assert by_rule(findings, "SVC301") == [] and by_rule(findings, "SVC311") == []


def test_the_load_balancer_page_covers_every_annotation_of_the_table() -> None:
    from conftest import REPO

    page = (REPO / "docs" / "load-balancers.md").read_text()
    for row in builtin_tables()["loadBalancerAnnotations"]["annotations"]:
        short = row["annotation"].removeprefix("service.beta.kubernetes.io/")
        assert short in page and row["provider"].split(" (")[0] in page, row["annotation"]


@pytest.mark.parametrize(
    ("annotations", "restricted"),
    [
        ({"service.beta.kubernetes.io/azure-allowed-ip-ranges": "203.0.113.0/24, 198.51.100.0/24"}, True),
        ({"service.beta.kubernetes.io/azure-allowed-ip-ranges": "10.0.0.0/8,0.0.0.0/0"}, False),
        ({"service.beta.kubernetes.io/azure-allowed-service-tags": "AzureFrontDoor.Backend"}, True),
        ({"service.beta.kubernetes.io/azure-allowed-service-tags": "Internet"}, False),
        ({"service.beta.kubernetes.io/do-loadbalancer-allow-rules": "cidr:103.21.244.0/22,ip:1.2.3.4"}, True),
        ({"service.beta.kubernetes.io/do-loadbalancer-allow-rules": "cidr:0.0.0.0/0"}, False),
    ],
)
def test_a_provider_allow_list_restricts_the_load_balancer_like_source_ranges(
    tmp_path: Path, annotations: dict[str, str], restricted: bool
) -> None:
    found = lint(tmp_path, annotations)
    assert lines_of(found["SVC301"]) == ([] if restricted else [type_line(annotations)])
    assert lines_of(found["SVC312"]) == ([] if restricted else [port_line(annotations)])


MODEL_SERVER = """apiVersion: v1
kind: Service
metadata:
  name: model-http
spec:
  type: LoadBalancer
  selector:
    app: model-http
  ports:
  - port: 8888
    targetPort: 8888
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-http
spec:
  selector:
    matchLabels:
      app: model-http
  template:
    metadata:
      labels:
        app: model-http
    spec:
      containers:
      - name: server
        image: {image}
        ports:
        - containerPort: 8888
"""


@pytest.mark.parametrize(
    ("image", "what"),
    [
        ("us-docker.pkg.dev/example/inference/model-http:v1", "a non-web port"),
        ("quay.io/jupyter/base-notebook:latest", "the usual port of Jupyter"),
    ],
)
def test_a_port_number_names_a_product_only_when_the_image_in_view_agrees(
    tmp_path: Path, image: str, what: str
) -> None:
    found = by_rule(run_text(tmp_path, MODEL_SERVER.format(image=image)), "SVC312")
    assert [(f.location.span.start_line, f.location.span.start_col) for f in found] == [(10, 5)]
    assert f"exposes port 8888, {what}:" in found[0].message


def test_without_the_pods_in_view_the_port_number_stands(tmp_path: Path) -> None:
    found = by_rule(run_text(tmp_path, MODEL_SERVER.split("---\n")[0]), "SVC312")
    assert "the usual port of Jupyter" in found[0].message
