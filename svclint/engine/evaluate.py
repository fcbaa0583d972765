"""Run the rules over the resources of a run and turn violations into located findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldPath, Finding, Location, Severity, Span, format_field_path
from svclint.engine.api import MISSING, CheckContext, Target, Violation
from svclint.engine.budget import WATCHDOG, RuleTimeout
from svclint.engine.findings import make_finding
from svclint.engine.fixes import build_fix
from svclint.engine.inputs import kind_of
from svclint.engine.ruleset import Rule
from svclint.engine.selectors import Match, SelectorError
from svclint.engine.templates import render, substitute_options
from svclint.input.document import Resource
from svclint.inventory.index import Inventory


class RuleRuntimeError(Exception):
    """A rule failed on a resource (a jsonpath-ng filter comparing with null, say): reported, never a crash."""


class ActiveRule(Struct, frozen=True, dict=True):
    """A rule as this run uses it: its severity after configuration, its options with the params filled in."""

    rule: Rule
    severity: Severity
    written_options: Any

    @cached_property
    def options(self) -> Any:
        """The options as the check function wants them. Prepared when the rule is first evaluated: preparing
        imports the function's module, which a run whose files the rule never reaches does not need."""
        assert self.rule.function is not None
        return self.rule.function.prepare(self.written_options)


def activate(
    rules: Iterable[Rule], severities: Mapping[str, Severity], variables: Mapping[str, Any]
) -> list[ActiveRule]:
    active = []
    for rule in rules:
        options: Any = None
        if rule.function is not None:
            options = substitute_options(rule.options, {"params": variables})
        active.append(ActiveRule(rule, severities.get(rule.id, rule.severity), options))
    return active


class Engine:
    def __init__(self, rules: Sequence[ActiveRule], inventory: Inventory, params: Mapping[str, Any]) -> None:
        self._inventory = inventory
        self._params = params
        self._by_kind: dict[str, list[ActiveRule]] = defaultdict(list)
        self._any_kind: list[ActiveRule] = []
        for active in rules:
            if active.rule.function is None:
                continue
            if active.rule.kinds is None:
                self._any_kind.append(active)
            else:
                for kind in active.rule.kinds:
                    self._by_kind[kind].append(active)

    def check(self, resource: Resource) -> list[Finding]:
        rules = self._by_kind.get(resource.kind, [])
        if self._any_kind:
            rules = [*rules, *self._any_kind]
        findings: list[Finding] = []
        matches_cache: dict[str, list[Match]] = {}
        for active in rules:
            try:
                try:
                    WATCHDOG.start_evaluation()
                    findings.extend(self._check_rule(active, resource, matches_cache))
                except (SelectorError, RuleRuntimeError) as err:
                    findings.append(_rule_failure(active, resource, str(err)))
                finally:
                    WATCHDOG.deadline = 0.0
            except RuleTimeout:  # outside the inner block too: the timer may strike in any of its lines
                WATCHDOG.deadline = 0.0
                reason = f"it ran longer than {WATCHDOG.budget:g} seconds on this object and was stopped"
                findings.append(_rule_failure(active, resource, reason))
        return findings

    def _check_rule(self, active: ActiveRule, resource: Resource, cache: dict[str, list[Match]]) -> Iterable[Finding]:
        rule = active.rule
        if rule.api_versions is not None and resource.api_version not in rule.api_versions:
            return
        data = resource.data
        partial = resource.partial
        function = rule.function
        assert function is not None
        if partial and function.needs_inventory:
            return  # what a patch merges into is not known
        for condition in rule.conditions:
            if not condition.holds(data, partial):
                return
        context = CheckContext(resource, self._inventory, self._params)
        for target in self._targets(rule, data, cache):
            if (partial and target.value is MISSING) or kind_of(target.value) not in function.accepts:
                continue  # on a patch an absent field may be in what it merges into
            try:
                violations = list(function.check(target, active.options, context))
            except (TypeError, ValueError, KeyError, AttributeError) as err:
                raise RuleRuntimeError(f"{function.name} failed on {format_field_path(target.path)}: {err}") from err
            for violation in violations:
                yield self._finding(active, resource, target, violation)

    def _targets(self, rule: Rule, data: Any, cache: dict[str, list[Match]]) -> Iterable[Target]:
        for selector in rule.selectors:
            matches = cache.get(selector.text)
            if matches is None:
                matches = cache[selector.text] = selector.find(data)
            for path, value in matches:
                if not rule.then_field:
                    yield Target(path, value)
                    continue
                node = value
                for part in rule.then_field:
                    node = node.get(part, MISSING) if isinstance(node, dict) else MISSING
                    if node is MISSING:
                        break
                yield Target((*path, *rule.then_field), node)

    def _finding(self, active: ActiveRule, resource: Resource, target: Target, violation: Violation) -> Finding:
        rule = active.rule
        path: FieldPath = violation.path if violation.path is not None else target.path
        value = target.value if violation.path is None else resource.get(path)
        dotted = format_field_path(path)
        variables: dict[str, Any] = {
            "value": "(absent)" if value is MISSING else value,
            "path": dotted or "(document)",
            "field": str(path[-1]) if path else "",
            "kind": resource.kind,
            "name": resource.name,
            "namespace": resource.namespace,
            "resource": f"{resource.kind} {resource.namespace}/{resource.name}",
            "params": self._params,
            **violation.variables,
        }
        related = tuple(
            Location(item.resource.file_of(item.path), item.resource.locate(item.path), item.message)
            for item in violation.related
        )
        ref = resource.ref()
        fix = None
        if rule.fix is not None:
            proposal = rule.fix.propose(resource.data, path, value, variables)
            if proposal is not None:
                fix = build_fix(rule.fix, resource.document.index, resource.prefix, proposal)
        return make_finding(
            rule,
            active.severity,
            render(rule.message, variables),
            Location(resource.file_of(path), _span_of(resource, path, violation.at_key), None),
            ref,
            (dotted, violation.identity),
            field_path=dotted or None,
            related=related,
            fix=fix,
        )


def _span_of(resource: Resource, path: FieldPath, at_key: bool) -> Span:
    if at_key:
        key = resource.key_span(path)
        if key is not None:
            return key
    return resource.locate(path)


def _rule_failure(active: ActiveRule, resource: Resource, reason: str) -> Finding:
    return make_finding(
        active.rule,
        Severity.ERROR,
        f"rule {active.rule.id} ({active.rule.origin}) could not be evaluated: {reason}",
        Location(resource.path, resource.locate(("kind",)), None),
        resource.ref(),
        ("rule-failure",),
    )
