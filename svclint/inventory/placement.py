"""Which nodes a pod template's pods may run on, as far as its manifest says: `nodeSelector` and the required
node affinity (`requiredDuringSchedulingIgnoredDuringExecution`). Node labels are not in view, so the only
certain answer is that two templates can never share a node: their requirements contradict each other."""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from svclint.inventory.paths.labels import label_text

# One node selector term: requirements (key, operator, values) that must all hold.
Term = tuple[tuple[str, str, frozenset[str]], ...]
_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"})


class Placement(Struct, frozen=True):
    """The nodes a template's pods may run on: any node satisfying one of the terms (scheduler semantics:
    nodeSelector and the terms of the required node affinity both hold; the terms are ORed)."""

    terms: tuple[Term, ...]

    @property
    def anywhere(self) -> bool:
        return self.terms == ((),)

    def may_share_node(self, other: Placement) -> bool:
        """False only when no node can satisfy both (a requirement of each contradicts one of the other)."""
        return any(not _contradict(mine, theirs) for mine in self.terms for theirs in other.terms)

    def describe(self) -> str:
        return " or ".join(
            ", ".join(f"{key} {op} ({', '.join(sorted(values))})" if values else f"{key} {op}" for key, op, values in t)
            for t in self.terms
            if t
        )


def placement_of(pod_spec: Any) -> Placement:
    """The placement a pod spec asks for; requirements it cannot read count as none (any node)."""
    spec = pod_spec if isinstance(pod_spec, dict) else {}
    selector = spec.get("nodeSelector")
    base: Term = tuple(
        sorted((str(k), "In", frozenset({label_text(v)})) for k, v in selector.items())
        if isinstance(selector, dict)
        else ()
    )
    affinity = spec.get("affinity")
    node = affinity.get("nodeAffinity") if isinstance(affinity, dict) else None
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution") if isinstance(node, dict) else None
    terms = required.get("nodeSelectorTerms") if isinstance(required, dict) else None
    if not isinstance(terms, list) or not terms:
        return Placement((base,))
    return Placement(tuple((*base, *_term(term)) for term in terms))


def _term(term: Any) -> Term:
    found: list[tuple[str, str, frozenset[str]]] = []
    if not isinstance(term, dict):
        return ()
    for group, prefix in (("matchExpressions", ""), ("matchFields", "field:")):
        expressions = term.get(group)
        for expression in expressions if isinstance(expressions, list) else ():
            if not isinstance(expression, dict):
                continue
            key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values")
            if isinstance(key, str) and operator in _OPERATORS:
                texts = frozenset(label_text(v) for v in values) if isinstance(values, list) else frozenset()
                found.append((prefix + key, str(operator), texts))
    return tuple(found)


def _contradict(first: Term, second: Term) -> bool:
    """Whether no node satisfies every requirement of both terms (judged key by key; Gt and Lt never count)."""
    requirements = [*first, *second]
    for index, (key, operator, values) in enumerate(requirements):
        for other_key, other_operator, other_values in requirements[index + 1 :]:
            if key == other_key and _excludes(operator, values, other_operator, other_values):
                return True
    return False


def _excludes(a: str, a_values: frozenset[str], b: str, b_values: frozenset[str]) -> bool:
    pair = {a, b}
    if pair == {"In"}:
        return not a_values & b_values
    if pair == {"In", "NotIn"}:
        allowed, refused = (a_values, b_values) if a == "In" else (b_values, a_values)
        return allowed <= refused
    return "DoesNotExist" in pair and bool(pair & {"In", "Exists"})
