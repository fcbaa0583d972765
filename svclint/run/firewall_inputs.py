"""The firewall rules a run reads besides its manifests (--firewall-rules exports), and the firewall model each
view's inventory gets when firewall checks or a report read it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec import Struct, field

from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.firewall.settings import FirewallSettings
from svclint.input.document import Resource
from svclint.run.settings import ConfigError

if TYPE_CHECKING:
    from svclint.firewall.model import FirewallModel, FirewallRule


class Exported(Struct):
    """What the --firewall-rules files hold: objects for the inventory and rules for the model."""

    resources: list[Resource] = field(default_factory=list)
    rules: list[FirewallRule] = field(default_factory=list)


def load_firewall_files(paths: Sequence[str]) -> Exported:
    exported = Exported()
    if not paths:
        return exported
    # The firewall model loads only in runs that use it: most runs need not pay for importing it.
    from svclint.firewall.sources import MAX_EXPORT_BYTES, load_export

    for path in paths:
        try:
            raw = read_regular_file(path, MAX_EXPORT_BYTES, "firewall rules", allow_fifo=True)
        except FileReadError as err:
            raise ConfigError(str(err)) from None
        resources, rules = load_export(path, raw)  # a FirewallFileError says what is wrong, and where
        exported.resources.extend(resources)
        exported.rules.extend(rules)
    return exported


def firewall_model(objects: Sequence[Resource], exported: Exported, settings: FirewallSettings) -> FirewallModel:
    from svclint.firewall.model import FirewallModel
    from svclint.firewall.sources import RuleProblem, rules_from_compute_firewall

    rules: list[FirewallRule] = []
    problems: list[RuleProblem] = []
    for resource in objects:
        found, trouble = rules_from_compute_firewall(resource)
        rules.extend(found)
        problems.extend(trouble)
    return FirewallModel([*rules, *exported.rules], settings, problems)
