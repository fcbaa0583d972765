"""Selectors: the fast path for plain JSONPaths agrees with jsonpath-ng, which evaluates everything else."""

from __future__ import annotations

from typing import Any

import pytest
from jsonpath_ng.ext import parse  # type: ignore[attr-defined]

from conftest import builtin_rules
from svclint.engine.selectors import Selector, SelectorError, compile_selector

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web", "annotations": {"service.beta.kubernetes.io/x": "a"}},
    "spec": {
        "type": "NodePort",
        "selector": {"app": "web", "tier": "front"},
        "ports": [{"name": "http", "port": 80, "nodePort": 30080}, {"name": "https", "port": 443}],
        "externalIPs": ["203.0.113.1", "203.0.113.2"],
    },
}


def _reference(text: str, data: Any) -> list[tuple[tuple[Any, ...], Any]]:
    from jsonpath_ng import jsonpath

    from svclint.engine.selectors import _path_of

    return [(_path_of(m, jsonpath), m.value) for m in parse(text).find(data)]


def _all_rule_selectors() -> list[str]:
    texts = {s.text for rule in builtin_rules() for s in rule.selectors}
    texts |= {c.selector.text for rule in builtin_rules() for c in rule.conditions if c.selector is not None}
    return sorted(texts)


@pytest.mark.parametrize(
    "text",
    [
        "$",
        "$.spec.type",
        "$.spec.ports[*]",
        "$.spec.ports[*].nodePort",
        "$.spec.ports[1].name",
        "$.spec.ports[-1].port",
        "$.spec.selector.*",
        "$.spec.externalIPs[*]",
        "$.metadata.annotations['service.beta.kubernetes.io/x']",
        '$.metadata.annotations["service.beta.kubernetes.io/x"]',
        "$.spec.missing.deeper",
    ],
)
def test_fast_path_matches_jsonpath_ng(text: str) -> None:
    selector = compile_selector(text)
    assert selector.steps is not None, "expected the fast path"
    assert selector.find(SERVICE) == _reference(text, SERVICE)


def test_every_builtin_selector_takes_the_fast_path_and_agrees() -> None:
    for text in _all_rule_selectors():
        selector = compile_selector(text)
        assert selector.steps is not None, text
        assert selector.find(SERVICE) == _reference(text, SERVICE), text


def test_filters_fall_back_to_jsonpath_ng() -> None:
    selector = compile_selector("$.spec.ports[?(@.port > 100)].name")
    assert selector.steps is None
    assert selector.find(SERVICE) == [(("spec", "ports", 1, "name"), "https")]


def test_recursive_descent_falls_back() -> None:
    found = compile_selector("$..nodePort").find(SERVICE)
    assert found == [(("spec", "ports", 0, "nodePort"), 30080)]


def test_invalid_jsonpath_is_a_selector_error() -> None:
    with pytest.raises(SelectorError):
        compile_selector("$.spec[?(@.port >")


def test_an_evaluation_that_raises_is_a_selector_error() -> None:
    class Broken:
        def find(self, data: Any) -> Any:
            raise TypeError("'>' not supported between instances of 'NoneType' and 'int'")

    with pytest.raises(SelectorError, match="not supported"):
        Selector("$.spec.ports[?(@.nodePort > 30000)]", None, Broken()).find({})


def test_first_value() -> None:
    assert compile_selector("$.spec.ports[*].port").first(SERVICE) == 80
    assert compile_selector("$.spec.nope").first(SERVICE) is None
