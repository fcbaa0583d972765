"""The rules of a run: loaded (the bundle of built-in rules, then the rule directories), selected by the
configuration and the command line, and activated with their severities and parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from msgspec import Struct

from svclint.engine.api import CheckFunctions
from svclint.engine.bundle import bundled_functions, bundled_rules
from svclint.engine.catalog import FunctionCatalog
from svclint.engine.evaluate import ActiveRule, activate
from svclint.engine.params import Params
from svclint.engine.ruleset import Rule, builtin_rules_dir, load_rules
from svclint.functions import all_functions
from svclint.k8s.kinds import BUILTIN_KINDS, INVENTORY_KINDS
from svclint.run.filework import WHOLE_KINDS
from svclint.run.settings import ConfigError, LintSettings


def check_functions() -> CheckFunctions:
    """The check functions rules may name: as the bundle declares them (their modules imported when a rule
    naming them is evaluated), or all of them imported when there is no bundle that declares them."""
    declared = bundled_functions()
    if declared is None:
        return all_functions()
    return FunctionCatalog(declared, all_functions)


def load_all_rules(settings: LintSettings) -> list[Rule]:
    builtin = builtin_rules_dir()
    functions = check_functions()
    bundled = bundled_rules(builtin, functions)
    directories = [*([builtin] if bundled is None else []), *settings.rule_dirs]
    cache = None
    if settings.use_cache and directories:
        # The cache (and what it imports) is only for rule files read one by one.
        from svclint.core.cache import ValidationCache, default_cache_dir

        cache = ValidationCache(default_cache_dir())
    return load_rules(directories, functions, cache, preloaded=bundled or ())


def select_rules(rules: Sequence[Rule], settings: LintSettings) -> list[Rule]:
    """The rules on by default, then the firewall checks --require-firewall turns on, then the configuration's
    and the command line's switches in order."""
    by_key = {key: rule for rule in rules for key in (rule.id, rule.name)}
    switches = _switches(settings)
    _refuse_unknown([*(key for key, _ in switches), *settings.severities], by_key)
    enabled = {rule.id for rule in rules if _on_from_the_start(rule, settings)}
    for key, on in switches:
        if on:
            enabled.add(by_key[key].id)
        else:
            enabled.discard(by_key[key].id)
    return [rule for rule in rules if rule.id in enabled]


def _on_from_the_start(rule: Rule, settings: LintSettings) -> bool:
    return rule.enabled or (settings.require_firewall and "firewall" in rule.tags)


def _refuse_unknown(keys: Iterable[str], known: Mapping[str, Rule]) -> None:
    for key in keys:
        if key not in known:
            raise ConfigError(f"unknown rule {key!r} (see `svclint rules`)")


def _switches(settings: LintSettings) -> list[tuple[str, bool]]:
    """(rule, on) in the order they apply: enable, disable, then the command line's."""
    return [*((key, True) for key in settings.enable), *((key, False) for key in settings.disable), *settings.switches]


def skip_kinds(rules: Iterable[Rule]) -> frozenset[str]:
    """Built-in kinds no selected rule (nor the inventory those rules use) reads."""
    needed: set[str] = set()
    for rule in rules:
        if rule.producer is not None:
            continue
        if rule.kinds is None:
            return frozenset()
        needed |= rule.kinds
        if rule.needs_inventory:
            needed |= INVENTORY_KINDS
    return BUILTIN_KINDS - needed


class RulePlan(Struct, frozen=True, dict=True):
    """The rules of one run, activated, and what they ask of the stages: which run on each file, which across
    files, which kinds need not be read and which must be kept whole."""

    rules: Sequence[Rule]  # every rule known, selected or not: suppressions may name any of them
    selected: Sequence[Rule]
    active: Sequence[ActiveRule]
    variables: Mapping[str, Any]  # the parameters messages and options may use
    ids: Mapping[str, str]  # rule ids by id and by name

    @cached_property
    def by_name(self) -> dict[str, ActiveRule]:
        return {active.rule.name: active for active in self.active}

    @cached_property
    def local(self) -> list[ActiveRule]:
        return [a for a in self.active if a.rule.function is not None and not a.rule.needs_inventory]

    @cached_property
    def cross(self) -> list[ActiveRule]:
        return [a for a in self.active if a.rule.function is not None and a.rule.needs_inventory]

    def by_producer(self, producer: str) -> ActiveRule | None:
        """The active rule whose findings a stage other than the engine makes (see `producer` in rule files)."""
        return next((a for a in self.active if a.rule.producer == producer), None)

    def whole_kinds(self) -> frozenset[str] | None:
        return kept_whole([active.rule for active in self.cross])

    def compact_kinds(self) -> frozenset[str] | None:
        return kept_compact([active.rule for active in self.cross])


def kept_whole(cross: Sequence[Rule]) -> frozenset[str] | None:
    """The kinds of objects kept whole for the cross-resource rules (None: every kind): those the rules check,
    unless their function reads no more than the compact copy the inventory needs (`reads_projection`)."""
    kinds = set(WHOLE_KINDS)
    for rule in cross:
        if rule.function is not None and rule.function.reads_projection:
            continue
        if rule.kinds is None:
            return None
        kinds |= rule.kinds
    return frozenset(kinds)


def kept_compact(cross: Sequence[Rule]) -> frozenset[str] | None:
    """The kinds that rules reading compact copies check (None: every kind): each of their objects is kept,
    compact, at least."""
    kinds: set[str] = set()
    for rule in cross:
        if rule.function is not None and rule.function.reads_projection:
            if rule.kinds is None:
                return None
            kinds |= rule.kinds
    return frozenset(kinds)


def plan_rules(rules: Sequence[Rule], settings: LintSettings) -> RulePlan:
    selected = select_rules(rules, settings)
    variables = Params(*settings.node_port_range, kube_version=settings.kube_version).variables()
    ids = {key: rule.id for rule in rules for key in (rule.id, rule.name)}
    severities = {ids[key]: severity for key, severity in settings.severities.items()}
    return RulePlan(rules, selected, activate(selected, severities, variables), variables, ids)
