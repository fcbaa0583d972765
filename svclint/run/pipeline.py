"""The pipeline of one run, stage by stage: the rules (rules.py) -> the files (reading.py: sources, then each
file read on its own) -> across files (across_files.py: kustomize builds, views, inventories, cross-resource
rules) -> filters (filtering.py). The CLI, the commands and the language server only wire options into it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from msgspec import Struct, field

from svclint.core.model import Finding
from svclint.core.stats import RunStats, SuppressionStats
from svclint.engine.budget import with_rule_time_budget
from svclint.engine.evaluate import ActiveRule
from svclint.engine.ruleset import Rule
from svclint.input.parsing.depth import with_nesting_headroom
from svclint.inventory.index import Inventory, build_inventory
from svclint.run.across_files import BuildInventory, check_across_files
from svclint.run.filtering import filter_findings
from svclint.run.parallel import Progress, run_files
from svclint.run.reading import ReadFiles, gather_sources, read_files
from svclint.run.rules import load_all_rules, plan_rules
from svclint.run.settings import LintSettings
from svclint.run.startup import resume_collection


class RunResult(Struct):
    """A run's findings, the rules that ran, and what the summary says about them."""

    findings: list[Finding]
    rules: list[ActiveRule]
    stats: RunStats
    suppressions: SuppressionStats = field(default_factory=SuppressionStats)
    warnings: list[str] = field(default_factory=list)  # options or paths that did nothing, for stderr
    inventories: list[Inventory] = field(default_factory=list)  # only for runs with report_kinds


class Collaborators(Struct, frozen=True):
    """What the stages are given to do their work: how rules are loaded, how files are read (a process pool),
    how a view's inventory is built. A run uses these defaults; a test or another front end may pass its own."""

    load_rules: Callable[[LintSettings], list[Rule]] = load_all_rules
    read_files: ReadFiles = run_files
    build_inventory: BuildInventory = build_inventory


DEFAULT_COLLABORATORS = Collaborators()


@with_nesting_headroom
@with_rule_time_budget
def lint(
    settings: LintSettings,
    rules: Sequence[Rule] | None = None,
    progress: Progress | None = None,
    collaborators: Collaborators = DEFAULT_COLLABORATORS,
) -> RunResult:
    """One run over `settings` with `rules` (loaded by the collaborators when None)."""
    plan = plan_rules(list(rules) if rules is not None else collaborators.load_rules(settings), settings)
    resume_collection()  # start-up is over: what is left is reading files
    warnings: list[str] = []
    files = read_files(gather_sources(settings, warnings), plan, settings, progress, collaborators.read_files)
    checked = check_across_files(files, plan, settings, collaborators.build_inventory)
    findings, suppressions = filter_findings([*files.findings, *checked.findings], files, plan, settings.baseline)
    return RunResult(findings, list(plan.active), files.stats, suppressions, warnings, checked.inventories)
