"""The quick schema walk decides validity exactly as jsonschema does on the shipped Service schema."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from svclint.functions.schema import load_schema, quick_valid

SCHEMA = load_schema("service-v1")
VALIDATOR = Draft202012Validator(SCHEMA)

BASE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"a": "b"}},
    "spec": {
        "type": "NodePort",
        "selector": {"app": "web"},
        "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080, "protocol": "TCP"}],
        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10}},
        "externalIPs": ["203.0.113.1"],
        "publishNotReadyAddresses": True,
    },
}
PATHS = [
    ("metadata", "name"),
    ("metadata", "labels", "app"),
    ("metadata", "annotations"),
    ("spec", "type"),
    ("spec", "selector"),
    ("spec", "ports"),
    ("spec", "ports", 0, "port"),
    ("spec", "ports", 0, "targetPort"),
    ("spec", "ports", 0, "nodePort"),
    ("spec", "ports", 0, "extra"),
    ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"),
    ("spec", "externalIPs", 0),
    ("spec", "publishNotReadyAddresses"),
    ("spec", "healthCheckNodePort"),
    ("spec", "unknownField"),
    ("status",),
]
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, 80.0, 2.0**31, -(2.0**31) - 1])
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if isinstance(node, (list, dict)):
        node[path[-1]] = value


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), values), min_size=1, max_size=3))
def test_quick_walk_agrees_with_jsonschema(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    assert quick_valid(SCHEMA, SCHEMA, data) == VALIDATOR.is_valid(data)


def test_base_service_is_valid() -> None:
    assert quick_valid(SCHEMA, SCHEMA, BASE) and VALIDATOR.is_valid(BASE)


def test_whole_number_floats_are_integers_as_kubectl_reads_them() -> None:
    data = copy.deepcopy(BASE)
    data["spec"]["ports"][0]["port"] = 80.0
    assert quick_valid(SCHEMA, SCHEMA, data)
    data["spec"]["ports"][0]["port"] = 80.5
    assert not quick_valid(SCHEMA, SCHEMA, data)


def test_int32_bounds() -> None:
    data = copy.deepcopy(BASE)
    data["spec"]["ports"][0]["nodePort"] = 2**31
    assert not quick_valid(SCHEMA, SCHEMA, data)
    data["spec"]["ports"][0]["nodePort"] = 2**31 - 1
    assert quick_valid(SCHEMA, SCHEMA, data)
