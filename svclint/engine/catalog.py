"""Check functions known by what the bundle of built-in rules says of them, their modules imported on first use.

Loading, selecting, compiling and planning rules read only a function's declared facts: its options' schema, the
variables it provides, the kinds of value it accepts and its flags (needs_inventory, needs_firewall,
reads_projection). The
bundle (see bundle.py) records those facts, so a run imports a function's module only when a rule naming it is
evaluated, and a run that evaluates few functions never pays for the others' modules (and what they import:
Gateway API paths, cloud tables, firewalls).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import import_module
from typing import Any

from svclint.core.errors import SvclintError
from svclint.engine.api import (
    REGISTRY,
    AnyCheckFunction,
    CheckContext,
    CheckFunction,
    CheckFunctions,
    Target,
    Violation,
)

FLAGS = ("needs_inventory", "needs_firewall", "reads_projection")


class StaleBundleError(SvclintError):
    """The bundle describes a check function differently from its code (a source checkout edited since
    `python -m svclint.docgen` last ran)."""

    label = "stale rule bundle"


def function_facts(function: AnyCheckFunction) -> dict[str, Any]:
    """What the bundle records of a check function: everything but its code."""
    facts: dict[str, Any] = {
        "module": type(function).__module__,
        "description": function.description,
        "options_schema": function.options_schema,
        "provides": sorted(function.provides),
        "accepts": sorted(function.accepts),
    }
    facts.update((flag, getattr(function, flag)) for flag in FLAGS)
    return facts


class DeclaredFunction(CheckFunction[Any, Any]):
    """A check function as the bundle declares it. `prepare` and `check` import its module the first time.

    Its facts are attributes of the instance, shadowing the class variables a hand-written function sets: one
    class serves every declared function (a class each cost a type's creation per function on every start)."""

    def __init__(self, name: str, facts: Mapping[str, Any]) -> None:
        self.module = str(facts["module"])
        self.facts = dict(facts)
        self._loaded: AnyCheckFunction | None = None
        declared: dict[str, Any] = {
            "name": name,
            "description": str(facts["description"]),
            "options_schema": dict(facts["options_schema"]),
            "provides": frozenset(facts["provides"]),
            "accepts": frozenset(str(kind) for kind in facts["accepts"]),
            **{flag: bool(facts[flag]) for flag in FLAGS},
        }
        for attribute, value in declared.items():
            setattr(self, attribute, value)  # class variables of CheckFunction: mypy refuses a plain assignment

    def loaded(self) -> AnyCheckFunction:
        if self._loaded is None:
            if self.name not in REGISTRY:
                import_module(self.module)  # its check functions register themselves (engine.api.register)
            function = REGISTRY.get(self.name)
            if function is None or function_facts(function) != self.facts:
                raise StaleBundleError(
                    f"svclint/builtin_rules.json does not describe check function {self.name!r} as its code does: "
                    "run `python -m svclint.docgen`"
                )
            self._loaded = function
        return self._loaded

    def implementation(self) -> type[AnyCheckFunction]:
        return type(self.loaded())

    def prepare(self, options: Any) -> Any:
        return self.loaded().prepare(options)

    def check(self, target: Target, options: Any, context: CheckContext) -> Iterable[Violation]:
        return self.loaded().check(target, options, context)


def declared_function(name: str, facts: Mapping[str, Any]) -> AnyCheckFunction:
    """A check function made from its facts in the bundle (KeyError or TypeError when they are damaged)."""
    return DeclaredFunction(name, facts)


class FunctionCatalog(Mapping[str, AnyCheckFunction]):
    """The declared check functions by name. A name the bundle does not know (a function added to the code since
    the bundle was written) makes it ask `load_all`, which imports every function module."""

    def __init__(self, declared: Mapping[str, AnyCheckFunction], load_all: Callable[[], CheckFunctions]) -> None:
        self._declared = declared
        self._load_all = load_all

    def __getitem__(self, name: str) -> AnyCheckFunction:
        found = self._declared.get(name)
        if found is None:
            return self._load_all()[name]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._declared)

    def __len__(self) -> int:
        return len(self._declared)

    def __contains__(self, name: object) -> bool:
        return name in self._declared or (isinstance(name, str) and name in self._load_all())
