"""Which routes a Gateway listener takes: hostname intersection as the Gateway API defines it, and
allowedRoutes.namespaces selectors matched against the Namespace objects of the run."""

from __future__ import annotations

import pytest

from svclint.input.document import Document, Resource
from svclint.inventory.paths.gateway import read_gateway, read_route
from svclint.inventory.paths.hostnames import intersects, is_hostname
from svclint.inventory.paths.index import PathIndex
from svclint.inventory.paths.labels import LabelSelector


@pytest.mark.parametrize(
    ("listener", "route", "expected"),
    [
        # HTTPRoute.Hostnames, the spec's own examples
        ("test.example.com", "test.example.com", True),
        ("test.example.com", "*.example.com", True),
        ("*.example.com", "test.example.com", True),
        ("*.example.com", "foo.test.example.com", True),
        ("*.example.com", "*.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "test.example.net", False),
        # the conformance tests (httproute-hostname-intersection, tlsroute-hostname-intersection)
        ("very.specific.com", "*.specific.com", True),
        ("*.wildcard.io", "wildcard.io", False),
        ("*.example.com", "*.com", True),
        ("*.com", "*.example.com", True),
        ("*.foo.example.com", "*.bar.example.com", False),
        ("abc.example.com", "ABC.example.com", True),
        ("*.example.com", "xexample.com", False),
    ],
)
def test_hostnames_intersect_as_the_gateway_api_says(listener: str, route: str, expected: bool) -> None:
    assert intersects(listener, route) is expected
    assert intersects(route, listener) is expected


def test_placeholders_and_addresses_are_not_hostnames() -> None:
    assert [is_hostname(v) for v in ("${DOMAIN}", "{{ .host }}", "10.0.0.1", "*.example.com", "a-b.c")] == [
        False,
        False,
        False,
        True,
        True,
    ]


def _resource(data: dict[str, object]) -> Resource:
    return Resource(Document(path="x.yaml", index=0, data=data, spans={}), (), data)


def _gateway(listener: dict[str, object]) -> Resource:
    return _resource(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "edge", "namespace": "infra"},
            "spec": {"listeners": [{"name": "web", "protocol": "HTTP", "port": 80, **listener}]},
        }
    )


def _route(kind: str, hostnames: list[str]) -> Resource:
    return _resource(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": kind,
            "metadata": {"name": "r", "namespace": "shop"},
            "spec": {"hostnames": hostnames, "parentRefs": [{"name": "edge", "namespace": "infra"}]},
        }
    )


def test_a_listener_hostname_narrows_only_the_route_kinds_with_hostnames() -> None:
    (listener,) = read_gateway(_gateway({"hostname": "*.example.com"})).listeners
    assert listener.hostname == "*.example.com"
    http = read_route(_route("HTTPRoute", ["shop.example.org"]))
    assert listener.takes_hostnames(http.kind, http.hostnames) is False
    assert listener.takes_hostnames("HTTPRoute", ("a.example.com", "shop.example.org")) is True
    assert listener.takes_hostnames("HTTPRoute", ()) is True  # a route without hostnames takes the listener's
    assert listener.takes_hostnames("TCPRoute", ("shop.example.org",)) is True
    assert listener.takes_hostnames("HTTPRoute", ("${HOST}",)) is None
    (tcp,) = read_gateway(_gateway({"hostname": "*.example.com", "protocol": "TCP"})).listeners
    assert tcp.takes_hostnames("HTTPRoute", ("shop.example.org",)) is True  # ignored for TCP


def test_a_namespace_selector_reads_the_namespace_objects_in_view() -> None:
    selector = {"from": "Selector", "selector": {"matchLabels": {"expose": "true"}}}
    (listener,) = read_gateway(_gateway({"allowedRoutes": {"namespaces": selector}})).listeners
    paths = PathIndex()
    assert paths.listener_admits(listener, "shop") is None  # the Namespace object would decide: not in view
    paths.add(_resource({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}))
    assert paths.listener_admits(listener, "shop") is False
    paths.add(
        _resource({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"expose": True}}})
    )
    assert paths.listener_admits(listener, "shop") is True  # one definition (an overlay, say) labels it


def test_the_namespace_name_label_needs_no_namespace_object() -> None:
    by_name = LabelSelector.parse({"matchLabels": {"kubernetes.io/metadata.name": "shop"}})
    paths = PathIndex()
    assert paths.namespace_selected(by_name, "shop") is True
    assert paths.namespace_selected(by_name, "blog") is False
    mixed = LabelSelector.parse(
        {
            "matchLabels": {"team": "a"},
            "matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["x"]}],
        }
    )
    assert paths.namespace_selected(mixed, "shop") is False  # decided by the name alone
    assert paths.namespace_selected(mixed, "x") is None  # `team` would decide
