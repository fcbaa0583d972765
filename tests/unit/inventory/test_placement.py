"""Which pod templates can never share a node: nodeSelector and required node affinity that contradict."""

from __future__ import annotations

from typing import Any

import pytest

from svclint.inventory.placement import placement_of


def _affinity(*expressions: dict[str, Any]) -> dict[str, Any]:
    terms = [{"matchExpressions": [e]} for e in expressions]
    return {
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}}
    }


@pytest.mark.parametrize(
    ("first", "second", "share"),
    [
        ({}, {}, True),
        ({"nodeSelector": {"role": "edge"}}, {}, True),
        ({"nodeSelector": {"role": "edge"}}, {"nodeSelector": {"role": "storage"}}, False),
        ({"nodeSelector": {"role": "edge"}}, {"nodeSelector": {"zone": "a"}}, True),  # a node may carry both
        (
            {"nodeSelector": {"role": "edge"}},
            _affinity({"key": "role", "operator": "NotIn", "values": ["edge"]}),
            False,
        ),
        ({"nodeSelector": {"role": "edge"}}, _affinity({"key": "role", "operator": "DoesNotExist"}), False),
        (_affinity({"key": "gpu", "operator": "Exists"}), _affinity({"key": "gpu", "operator": "DoesNotExist"}), False),
        (_affinity({"key": "role", "operator": "In", "values": ["a", "b"]}), {"nodeSelector": {"role": "b"}}, True),
        (_affinity({"key": "cpu", "operator": "Gt", "values": ["8"]}), {"nodeSelector": {"cpu": "4"}}, True),
        # Terms are ORed: one term that the other template's nodes may satisfy is enough.
        (
            _affinity(
                {"key": "role", "operator": "In", "values": ["edge"]},
                {"key": "zone", "operator": "In", "values": ["a"]},
            ),
            {"nodeSelector": {"role": "storage"}},
            True,
        ),
        ({"nodeSelector": {"enabled": True}}, {"nodeSelector": {"enabled": "true"}}, True),  # label values as text
    ],
)
def test_templates_meet_unless_their_node_selection_contradicts(
    first: dict[str, Any], second: dict[str, Any], share: bool
) -> None:
    assert placement_of(first).may_share_node(placement_of(second)) is share
    assert placement_of(second).may_share_node(placement_of(first)) is share


def test_a_placement_says_what_it_asks_for() -> None:
    assert placement_of({}).anywhere
    placement = placement_of({"nodeSelector": {"role": "edge"}, **_affinity({"key": "gpu", "operator": "Exists"})})
    assert not placement.anywhere
    assert placement.describe() == "role In (edge), gpu Exists"
