"""What a report says about the rules of a run: each rule's description and the severity the run gave it.

Reporters read rules only through these protocols, so the output formats depend on the result model alone and
not on the engine that loads and evaluates rules (svclint.engine.ruleset.Rule and svclint.engine.evaluate.ActiveRule
satisfy them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from svclint.core.model import Severity


class DescribedRule(Protocol):
    """A rule as its documentation and the SARIF rule descriptor show it."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def remediation(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def security_severity(self) -> float | None: ...
    @property
    def help_uri(self) -> str | None: ...
    @property
    def builtin(self) -> bool: ...
    @property
    def examples(self) -> Mapping[str, Sequence[Any]]: ...


class ReportedRule(Protocol):
    """A rule of the run with the severity the configuration gave it."""

    @property
    def rule(self) -> DescribedRule: ...
    @property
    def severity(self) -> Severity: ...
