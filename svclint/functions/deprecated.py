"""Function names from before each value of a `mode:` or `check:` switch became a function of its own. Rule
directories written against them keep loading and report exactly what the new function reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from svclint.engine.api import MISSING, CheckContext, CheckFunction, Target, Violation, register
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


class SwitchedFunction(CheckFunction):
    """A deprecated name whose option `switch` picks one of `replacements` (switch value: function class)."""

    switch: ClassVar[str]
    replacements: ClassVar[Mapping[str, type[CheckFunction]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        functions = [function() for function in cls.replacements.values()]
        cls.options_schema = {
            "type": "object",
            "properties": {cls.switch: {"enum": list(cls.replacements)}},
            "required": [cls.switch],
            "additionalProperties": False,
        }
        cls.provides = frozenset().union(*(f.provides for f in functions))
        cls.accepts_missing = any(f.accepts_missing for f in functions)
        cls.needs_inventory = any(f.needs_inventory for f in functions)
        cls.needs_firewall = any(f.needs_firewall for f in functions)
        cls.reads_projection = all(f.reads_projection for f in functions)
        uses = "; ".join(
            f"`{cls.switch}: {value}` is `{f.name}`" for value, f in zip(cls.replacements, functions, strict=True)
        )
        cls.description = f"Deprecated: {uses}."

    def prepare(self, options: dict[str, Any]) -> tuple[CheckFunction, Any]:
        function = self.replacements[options[self.switch]]()
        rest = {key: value for key, value in options.items() if key != self.switch}
        return function, function.prepare(rest)

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        function, prepared = options
        if target.value is MISSING and not function.accepts_missing:
            return
        yield from function.check(target, prepared, context)


@register
class TargetPortDeclared(SwitchedFunction):
    name = "targetPortDeclared"
    switch = "mode"
    replacements = {"named": TargetPortNameDeclared, "numeric": TargetPortNumberDeclared}


@register
class IngressBackend(SwitchedFunction):
    name = "ingressBackend"
    switch = "check"
    replacements = {
        "service": IngressBackendService,
        "port": IngressBackendServicePort,
        "neg": GceIngressBackendNeg,
    }


@register
class FirewallCoverage(SwitchedFunction):
    name = "firewallCoverage"
    switch = "mode"
    replacements = {"fixed": NodePortAllowed, "unassigned": NodePortRangeAllowed, "host": HostPortAllowed}


@register
class FirewallRule(SwitchedFunction):
    name = "firewallRule"
    switch = "check"
    replacements = {
        "open-range": FirewallOpensNodePortRange,
        "stale": FirewallRuleUnused,
        "readable": FirewallRuleReadable,
    }
