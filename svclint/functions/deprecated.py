"""Function names from before each value of a `mode:` or `check:` switch became a function of its own. Rule
directories written against them keep loading and report exactly what the new function reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypedDict, TypeVar

from svclint.engine.api import (
    AnyCheckFunction,
    CheckContext,
    CheckFunction,
    NoOptions,
    Target,
    Violation,
    kind_of,
    register,
)
from svclint.functions.crossref import (
    GceIngressBackendNeg,
    IngressBackendService,
    IngressBackendServicePort,
    TargetPortNameDeclared,
    TargetPortNumberDeclared,
)
from svclint.functions.firewall import (
    FirewallOpensNodePortRange,
    FirewallRuleReadable,
    FirewallRuleUnused,
    HostPortAllowed,
    NodePortAllowed,
    NodePortRangeAllowed,
)

SwitchT = TypeVar("SwitchT", bound=Mapping[str, Any])
Delegation = tuple[AnyCheckFunction, Any]  # the function the switch picks, and its prepared options


class SwitchedFunction(CheckFunction[SwitchT, Delegation]):
    """A deprecated name whose option `switch` picks one of `replacements` (switch value: function class)."""

    switch: ClassVar[str]
    replacements: ClassVar[Mapping[str, type[AnyCheckFunction]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        functions = [function() for function in cls.replacements.values()]
        cls.accepts = frozenset().union(*(f.accepts for f in functions))
        cls.options_schema = {
            "type": "object",
            "properties": {cls.switch: {"enum": list(cls.replacements)}},
            "required": [cls.switch],
            "additionalProperties": False,
        }
        cls.provides = frozenset().union(*(f.provides for f in functions))
        cls.needs_inventory = any(f.needs_inventory for f in functions)
        cls.needs_firewall = any(f.needs_firewall for f in functions)
        cls.reads_projection = all(f.reads_projection for f in functions)
        uses = "; ".join(
            f"`{cls.switch}: {value}` is `{f.name}`" for value, f in zip(cls.replacements, functions, strict=True)
        )
        cls.description = f"Deprecated: {uses}."

    def prepare(self, options: SwitchT) -> Delegation:
        function = self.replacements[options[self.switch]]()
        return function, function.prepare(NoOptions())

    def check(self, target: Target, options: Delegation, context: CheckContext) -> Iterable[Violation]:
        function, prepared = options
        if kind_of(target.value) in function.accepts:  # the engine asked the union of the replacements'
            yield from function.check(target, prepared, context)


class ModeSwitch(TypedDict):
    mode: str


class CheckSwitch(TypedDict):
    check: str


@register
class TargetPortDeclared(SwitchedFunction[ModeSwitch]):
    name = "targetPortDeclared"
    switch = "mode"
    replacements = {"named": TargetPortNameDeclared, "numeric": TargetPortNumberDeclared}


@register
class IngressBackend(SwitchedFunction[CheckSwitch]):
    name = "ingressBackend"
    switch = "check"
    replacements = {
        "service": IngressBackendService,
        "port": IngressBackendServicePort,
        "neg": GceIngressBackendNeg,
    }


@register
class FirewallCoverage(SwitchedFunction[ModeSwitch]):
    name = "firewallCoverage"
    switch = "mode"
    replacements = {"fixed": NodePortAllowed, "unassigned": NodePortRangeAllowed, "host": HostPortAllowed}


@register
class FirewallRule(SwitchedFunction[CheckSwitch]):
    name = "firewallRule"
    switch = "check"
    replacements = {
        "open-range": FirewallOpensNodePortRange,
        "stale": FirewallRuleUnused,
        "readable": FirewallRuleReadable,
    }
