"""Pods that open ports on their node themselves: a container's hostPort, or every port of a pod on the host's
network. No Service is involved; the nodes' firewall decides who reaches them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from svclint.core.model import FieldPath
from svclint.exposure import reach
from svclint.exposure.attach import FindingIndex
from svclint.exposure.model import Entry, Hop, Place, Workload, as_port
from svclint.inventory.index import Inventory, PodTemplate


def host_port_entries(inventory: Inventory, index: FindingIndex) -> Iterable[Entry]:
    templates = [t for by_namespace in inventory.templates.values() for t in by_namespace if t.resource.reported]
    for template in sorted(templates, key=lambda t: (t.resource.path, t.resource.document.index)):
        yield from _template_entries(inventory, template, index)


def _template_entries(inventory: Inventory, template: PodTemplate, index: FindingIndex) -> Iterable[Entry]:
    spec_path: FieldPath = (*template.template_path, "spec")
    spec = template.resource.get(spec_path)
    if not isinstance(spec, dict):
        return
    host_network = spec.get("hostNetwork") is True
    resource = template.resource
    workload = Workload(
        resource.kind, resource.namespace, resource.name, template.replicas, Place.of(resource, ("metadata", "name"))
    )
    for port_path, port in _ports(spec, spec_path):
        host_port = as_port(port.get("hostPort"))
        if host_port is None and host_network:
            host_port = as_port(port.get("containerPort"))
            field_name, how = "containerPort", "on the host's network (hostNetwork)"
        elif host_port is not None:
            field_name, how = "hostPort", "as a hostPort"
        else:
            continue
        written = port.get("protocol")
        protocol = written if isinstance(written, str) and written else "TCP"
        what = f"host port {host_port}"
        place = Place.of(resource, (*port_path, field_name))
        hop = Hop("entry", f"{what}/{protocol} on each node running {workload.describe()}, {how}", place)
        hop.findings = index.about(resource)
        entry = Entry(
            "HostPort",
            resource.namespace,
            None,
            host_port,
            protocol,
            None,
            reach.node_port(inventory.firewall, protocol, host_port, what),
            place,
        )
        entry.workloads.append(workload)
        entry.hops.append(hop)
        entry.address = f"{resource.kind}/{resource.name}"
        yield entry


def _ports(spec: dict[str, Any], spec_path: FieldPath) -> Iterable[tuple[FieldPath, dict[str, Any]]]:
    for group in ("containers", "initContainers"):
        containers = spec.get(group)
        for c, container in enumerate(containers if isinstance(containers, list) else ()):
            if not isinstance(container, dict):
                continue
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                continue  # an init container that ends before the pod serves opens nothing for long
            ports = container.get("ports")
            for p, port in enumerate(ports if isinstance(ports, list) else ()):
                if isinstance(port, dict):
                    yield (*spec_path, group, c, "ports", p), port
