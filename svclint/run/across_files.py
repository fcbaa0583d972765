"""The stage across files: the run's objects (with the --firewall-rules exports) grouped into the views of one
cluster each (kustomize builds, configured clusters), an inventory built per view, and the cross-resource rules
checked against it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from msgspec import Struct, field

from svclint.core.model import Finding
from svclint.engine.evaluate import ActiveRule
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.loader import LoadedFile
from svclint.input.partial import is_kustomization_file
from svclint.inventory.index import Inventory
from svclint.run.clusters import ViewChecks, cluster_views
from svclint.run.filework import input_findings
from svclint.run.firewall_inputs import Exported, firewall_model, load_firewall_files
from svclint.run.reading import FilesRead
from svclint.run.rules import RulePlan
from svclint.run.settings import LintSettings

if TYPE_CHECKING:
    from svclint.kustomize.build import BuildProblem
    from svclint.kustomize.stage import KustomizeView

# Builds the inventory of one view's objects: build_inventory, in a run.
BuildInventory = Callable[..., Inventory]


class Checked(Struct):
    """The findings across files, and (for a report) the inventory of each view."""

    findings: list[Finding] = field(default_factory=list)
    inventories: list[Inventory] = field(default_factory=list)


def check_across_files(files: FilesRead, plan: RulePlan, settings: LintSettings, index: BuildInventory) -> Checked:
    checked = Checked()
    exported = load_firewall_files(settings.firewall_files)
    files.kept.extend(exported.resources)
    view = _kustomize_view(files, settings)
    if view is not None:
        checked.findings.extend(_build_problems(view.problems, plan.by_name))
    prepare = _prepare(plan.cross, exported, settings, checked.inventories)
    checks = ViewChecks(
        plan.cross, plan.variables, files.in_run, bool(settings.context), prepare, files.kustomizations, index
    )
    partial_view = not settings.context and any(p == "-" or not os.path.isdir(p) for p in settings.paths)
    checked.findings.extend(checks.check(cluster_views(files.kept, view, settings.clusters, partial_view)))
    return checked


def _kustomize_view(files: FilesRead, settings: LintSettings) -> KustomizeView | None:
    """The kustomize builds of the run's kustomizations (None: none, or builds turned off)."""
    if settings.kustomize_mode == "off":
        return None
    if not any(is_kustomization_file(path) for path in files.files_read.values()):
        return None
    from svclint.kustomize.stage import build_view  # the builder loads only for runs holding a kustomization

    return build_view(files.kept, files.files_read, settings.allow_outside_project)


def _prepare(
    cross: Sequence[ActiveRule], exported: Exported, settings: LintSettings, inventories: list[Inventory]
) -> Callable[[Inventory], None]:
    """What each view's inventory needs besides its objects: the firewall model, when firewall checks or a report
    read it; a report also gets every inventory."""
    needs_firewall = any(a.rule.function is not None and a.rule.function.needs_firewall for a in cross)

    def prepare(inventory: Inventory) -> None:
        if settings.report_kinds or needs_firewall:
            inventory.firewall = firewall_model(inventory.firewall_resources, exported, settings.firewall)
        if settings.report_kinds:
            inventories.append(inventory)

    return prepare


def _build_problems(problems: Iterable[BuildProblem], by_name: Mapping[str, ActiveRule]) -> Iterable[Finding]:
    for problem in problems:
        loaded = LoadedFile(problem.path, problems=[StructureProblem(problem.code, problem.message, problem.span)])
        yield from input_findings(loaded, by_name)
