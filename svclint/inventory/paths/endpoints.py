"""Endpoints written by hand for Services without selectors: discovery.k8s.io/v1 EndpointSlices, tied to their
Service by the `kubernetes.io/service-name` label, and the legacy v1 Endpoints, named like their Service."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath
from svclint.input.document import Resource

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class EndpointPort(Struct, frozen=True):
    name: str  # "" for an unnamed port, as kube-proxy matches it against an unnamed Service port
    port: int | None
    protocol: str
    path: FieldPath


class EndpointSet(Struct, frozen=True):
    """An EndpointSlice, or one subset of a v1 Endpoints object: the ports its addresses serve."""

    resource: Resource
    service: str | None  # the Service it belongs to, by label (slices) or by name (Endpoints)
    ports: tuple[EndpointPort, ...]


def read_slice(resource: Resource) -> EndpointSet:
    metadata = resource.data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    service = labels.get(SERVICE_NAME_LABEL) if isinstance(labels, dict) else None
    return EndpointSet(
        resource,
        service if isinstance(service, str) and service else None,
        _ports(resource.data.get("ports"), ("ports",)),
    )


def read_endpoints(resource: Resource) -> list[EndpointSet]:
    subsets = resource.data.get("subsets")
    found: list[EndpointSet] = []
    for index, subset in enumerate(subsets if isinstance(subsets, list) else ()):
        if not isinstance(subset, dict):
            continue
        found.append(EndpointSet(resource, resource.name, _ports(subset.get("ports"), ("subsets", index, "ports"))))
    return found


def _ports(ports: Any, path: FieldPath) -> tuple[EndpointPort, ...]:
    found: list[EndpointPort] = []
    for index, port in enumerate(ports if isinstance(ports, list) else ()):
        if not isinstance(port, dict):
            continue
        name, number, protocol = port.get("name"), port.get("port"), port.get("protocol")
        found.append(
            EndpointPort(
                name if isinstance(name, str) else "",
                number if isinstance(number, int) and not isinstance(number, bool) else None,
                protocol if isinstance(protocol, str) and protocol else "TCP",
                (*path, index),
            )
        )
    return tuple(found)
