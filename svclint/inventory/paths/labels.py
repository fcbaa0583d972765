"""Kubernetes label selectors (`matchLabels` and `matchExpressions`), as NetworkPolicies and ReferenceGrant
peers use them: a plain map of labels is a selector too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


class LabelSelector(Struct, frozen=True):
    """A parsed metav1.LabelSelector. `understood` is False when some part could not be read (an unknown
    operator, a value that is not a string): such a selector's matches are not known."""

    match_labels: tuple[tuple[str, str], ...] = ()
    expressions: tuple[tuple[str, str, frozenset[str]], ...] = ()
    understood: bool = True

    @classmethod
    def parse(cls, value: Any) -> LabelSelector:
        """`{}` and null select everything (in NetworkPolicy podSelector and namespaceSelector)."""
        if value is None:
            return cls()
        if not isinstance(value, dict):
            return cls(understood=False)
        labels = value.get("matchLabels") or {}
        expressions = value.get("matchExpressions") or []
        if not isinstance(labels, dict) or not isinstance(expressions, list):
            return cls(understood=False)
        pairs = tuple(sorted((str(k), label_text(v)) for k, v in labels.items()))
        parsed: list[tuple[str, str, frozenset[str]]] = []
        for expression in expressions:
            if not isinstance(expression, dict):
                return cls(pairs, understood=False)
            key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
            if not isinstance(key, str) or operator not in _OPERATORS or not isinstance(values, list):
                return cls(pairs, understood=False)
            parsed.append((key, str(operator), frozenset(label_text(v) for v in values)))
        return cls(pairs, tuple(parsed))

    @property
    def selects_everything(self) -> bool:
        return self.understood and not self.match_labels and not self.expressions

    def matches(self, labels: Mapping[str, Any], complete: bool = True) -> bool | None:
        """Whether the labels satisfy the selector; None when the selector could not be read, or when the labels
        are not `complete` (only some of the object's labels are known) and a missing key would decide."""
        if not self.understood:
            return None
        unknown = False
        requirements = [(key, "In", frozenset({value})) for key, value in self.match_labels]
        for key, operator, values in (*requirements, *self.expressions):
            if key not in labels and not complete:
                unknown = True
            elif not _requirement_holds(operator, values, label_text(labels[key]) if key in labels else None):
                return False
        return None if unknown else True

    def describe(self) -> str:
        parts = [f"{key}={value}" for key, value in self.match_labels]
        parts += [f"{key} {operator} ({', '.join(sorted(values))})" for key, operator, values in self.expressions]
        return ", ".join(parts) or "every pod"


def _requirement_holds(operator: str, values: frozenset[str], value: str | None) -> bool:
    """One requirement of a selector against the label's value (None: the label is absent)."""
    if operator == "Exists":
        return value is not None
    if operator == "DoesNotExist":
        return value is None
    if operator == "In":
        return value is not None and value in values
    if operator == "NotIn":
        return value is None or value not in values
    return True


def label_text(value: Any) -> str:
    """A label value as the API server stores it (YAML booleans and numbers written unquoted)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)
