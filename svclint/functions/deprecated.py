"""Function names from before each value of a `mode:` or `check:` switch became a function of its own. Rule
directories written against them keep loading and report exactly what the new function reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, TypedDict, TypeVar

from svclint.engine.api import (
    AnyCheckFunction,
    CheckContext,
    CheckFunction,
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
from svclint.functions.hostports import HostPortCollision, HostPortSharedAcrossNodes
from svclint.functions.pods import SelectedPodsRunning, SelectedPodsSpread, SelectorMatchesPods
from svclint.functions.schema import KubernetesFieldTypes, KubernetesKnownFields
from svclint.functions.statefulsets import GoverningServiceExists, GoverningServiceHeadless, GoverningServiceSelectsPods
from svclint.functions.structure import IpAddressesMatchFamilies, IpAddressesOnePerFamily

SwitchT = TypeVar("SwitchT", bound=Mapping[str, Any])
# The functions the options pick, each with its prepared options, run in this order.
Delegation = tuple[tuple[AnyCheckFunction, Any], ...]
Picked = tuple[tuple[type[AnyCheckFunction], Mapping[str, Any]], ...]


class SwitchedFunction(CheckFunction[SwitchT, Delegation]):
    """A deprecated name whose option `switch` picks one of `replacements` (switch value: function class). The
    options named in `passed` go to the picked function unchanged. A class that declares its own
    `options_schema` or `description` keeps it (for options beyond the switch)."""

    switch: ClassVar[str]
    replacements: ClassVar[Mapping[Any, type[AnyCheckFunction]]]
    passed: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        functions = [function() for function in cls.replacements.values()]
        cls.accepts = frozenset().union(*(f.accepts for f in functions))
        if "options_schema" not in cls.__dict__:
            cls.options_schema = {
                "type": "object",
                "properties": {cls.switch: {"enum": list(cls.replacements)}, **_passed_properties(cls)},
                "required": [cls.switch, *_passed_required(cls)],
                "additionalProperties": False,
            }
        cls.provides = frozenset().union(*(f.provides for f in functions))
        cls.needs_inventory = any(f.needs_inventory for f in functions)
        cls.needs_firewall = any(f.needs_firewall for f in functions)
        cls.reads_projection = all(f.reads_projection for f in functions)
        if "description" not in cls.__dict__:
            uses = "; ".join(
                f"`{cls.switch}: {_shown(value)}` is `{f.name}`"
                for value, f in zip(cls.replacements, functions, strict=True)
            )
            cls.description = f"Deprecated: {uses}."

    def pick(self, options: SwitchT) -> Picked:
        """The functions these options stand for, each with its own options."""
        passed = {key: options[key] for key in self.passed if key in options}
        return ((self.replacements[options[self.switch]], passed),)

    def prepare(self, options: SwitchT) -> Delegation:
        picked = [(function(), passed) for function, passed in self.pick(options)]
        return tuple((function, function.prepare(passed)) for function, passed in picked)

    def check(self, target: Target, options: Delegation, context: CheckContext) -> Iterable[Violation]:
        for function, prepared in options:
            if kind_of(target.value) in function.accepts:  # the engine asked the union of the replacements'
                yield from function.check(target, prepared, context)


def _passed_properties(cls: type[SwitchedFunction[Any]]) -> dict[str, Any]:
    """The schema of each passed option, as the replacements that take it declare it."""
    found: dict[str, Any] = {}
    for function in cls.replacements.values():
        properties = function.options_schema.get("properties", {})
        found.update({key: properties[key] for key in cls.passed if key in properties})
    return found


def _passed_required(cls: type[SwitchedFunction[Any]]) -> list[str]:
    """The passed options that every replacement requires."""
    return [
        key for key in cls.passed if all(key in f.options_schema.get("required", ()) for f in cls.replacements.values())
    ]


def _shown(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


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


class _Expectation(TypedDict):
    expect: Literal["pods", "running", "spread"]


class SelectedPodsOptions(_Expectation, total=False):
    evidence: Literal["direct", "indirect"]


@register
class SelectedPods(SwitchedFunction[SelectedPodsOptions]):
    name = "selectedPods"
    switch = "expect"
    replacements = {"pods": SelectorMatchesPods, "running": SelectedPodsRunning, "spread": SelectedPodsSpread}
    passed = ("evidence",)
    description = (
        "Deprecated: `expect: pods` is `selectorMatchesPods` (with the same `evidence`); `expect: running` is "
        "`selectedPodsRunning`; `expect: spread` is `selectedPodsSpread`. With `evidence: indirect`, `expect: "
        "running` is `selectorMatchesPods` with `evidence: indirect`, and `expect: spread` reports nothing."
    )

    def pick(self, options: SelectedPodsOptions) -> Picked:
        if options.get("evidence") != "indirect" or options["expect"] == "pods":
            return super().pick(options)
        if options["expect"] == "running":
            return ((SelectorMatchesPods, {"evidence": "indirect"}),)
        return ()


class ExpectSwitch(TypedDict):
    expect: str


@register
class GoverningService(SwitchedFunction[ExpectSwitch]):
    name = "governingService"
    switch = "expect"
    replacements = {
        "exists": GoverningServiceExists,
        "headless": GoverningServiceHeadless,
        "selects": GoverningServiceSelectsPods,
    }


class PerNodeSwitch(TypedDict):
    perNode: bool


@register
class HostPortShared(SwitchedFunction[PerNodeSwitch]):
    name = "hostPortShared"
    switch = "perNode"
    replacements = {True: HostPortCollision, False: HostPortSharedAcrossNodes}


class IpFamiliesOptions(TypedDict, total=False):
    distinct: bool
    families: str


@register
class IpFamilies(SwitchedFunction[IpFamiliesOptions]):
    name = "ipFamilies"
    switch = "distinct"
    replacements = {True: IpAddressesOnePerFamily, False: IpAddressesMatchFamilies}
    options_schema = {
        "type": "object",
        "properties": {
            "distinct": {"type": "boolean"},
            "families": IpAddressesMatchFamilies.options_schema["properties"]["families"],
        },
        "additionalProperties": False,
    }
    description = (
        "Deprecated: `distinct: true` is `ipAddressesOnePerFamily`; `families: <path>` is `ipAddressesMatchFamilies` "
        "with the same `families`; given both, it runs both."
    )

    def pick(self, options: IpFamiliesOptions) -> Picked:
        distinct: Picked = ((IpAddressesOnePerFamily, {}),) if options.get("distinct") else ()
        if "families" not in options:
            return distinct
        return (*distinct, (IpAddressesMatchFamilies, {"families": options["families"]}))


class KubernetesSchemaOptions(TypedDict):
    schema: str
    report: Literal["type", "unknownField"]


@register
class KubernetesSchema(SwitchedFunction[KubernetesSchemaOptions]):
    name = "kubernetesSchema"
    switch = "report"
    replacements = {"type": KubernetesFieldTypes, "unknownField": KubernetesKnownFields}
    passed = ("schema",)
    description = (
        "Deprecated: `report: type` is `kubernetesFieldTypes`; `report: unknownField` is `kubernetesKnownFields` "
        "(both with the same `schema`)."
    )
