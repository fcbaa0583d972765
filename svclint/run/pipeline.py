"""The pipeline of one run: sources -> loader -> inventory -> engine -> filters. The CLI only wires options."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.model import Finding, Severity
from svclint.core.stats import RunStats, SuppressionStats
from svclint.engine.budget import with_rule_time_budget
from svclint.engine.bundle import bundled_rules
from svclint.engine.evaluate import ActiveRule, activate
from svclint.engine.params import DEFAULT_NODE_PORT_RANGE, Params
from svclint.engine.ruleset import Rule, builtin_rules_dir, load_rules
from svclint.filters.relocate import into_run
from svclint.filters.suppress import Directive, apply_suppressions, collect_directives, unused
from svclint.firewall.settings import FirewallSettings
from svclint.functions import REGISTRY
from svclint.input.document import Resource
from svclint.input.excludes import Excludes
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.depth import with_nesting_headroom
from svclint.input.parsing.loader import LoadedFile, LoadOptions
from svclint.input.partial import KUSTOMIZATION_FILES
from svclint.input.sources import collect, source_key
from svclint.inventory.index import Inventory, build_inventory
from svclint.k8s.kinds import BUILTIN_KINDS, INVENTORY_KINDS
from svclint.k8s.versions import NEWEST, KubeVersion
from svclint.run.clusters import ViewChecks, cluster_views
from svclint.run.filework import WHOLE_KINDS, FileJob, input_findings
from svclint.run.parallel import Progress, run_files

if TYPE_CHECKING:
    from svclint.firewall.model import FirewallModel, FirewallRule
    from svclint.kustomize.build import BuildProblem
    from svclint.kustomize.stage import KustomizeView


class ConfigError(Exception):
    """A setting that makes no sense (an unknown rule, a bad range): exit 2."""


@dataclass
class LintSettings:
    """What one run reads and checks, and how: the command line and configuration, resolved."""

    paths: Sequence[str]
    context: Sequence[str] = ()
    stdin_filename: str | None = None
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE
    kube_version: KubeVersion = NEWEST  # the cluster's Kubernetes version (MAJOR, MINOR): --kube-version
    rule_dirs: Sequence[Path] = ()
    enable: Sequence[str] = ()
    disable: Sequence[str] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    max_file_bytes: int = 32 * 1024 * 1024
    excludes: Sequence[str] = ()
    force_exclude: bool = True  # excludes apply to files named on the command line too
    respect_gitignore: bool = True
    use_cache: bool = True
    require_firewall: bool = False
    firewall_files: Sequence[str] = ()
    firewall: FirewallSettings = field(default_factory=FirewallSettings)
    baseline: Path | None = None
    jobs: int = 0  # processes reading files; 0: one per CPU
    switches: Sequence[tuple[str, bool]] = ()  # (rule, on) from the command line, applied after enable/disable
    allow_outside_project: bool = False  # walks follow file links that lead out of the project
    kustomize_mode: str = "build"  # "build": check the builds of the run's kustomizations; "off": each file alone
    # Kinds a report reads besides the rules (the exposure report): never skipped, kept whole, and the run's
    # inventories (with their firewall model) handed back in the result.
    report_kinds: frozenset[str] = frozenset()
    clusters: Mapping[str, Sequence[str]] = field(default_factory=dict)  # cluster -> folders checked together


@dataclass
class RunResult:
    """A run's findings, the rules that ran, and what the summary says about them."""

    findings: list[Finding]
    rules: list[ActiveRule]
    stats: RunStats
    suppressions: SuppressionStats = field(default_factory=SuppressionStats)
    warnings: list[str] = field(default_factory=list)  # options or paths that did nothing, for stderr
    inventories: list[Inventory] = field(default_factory=list)  # only for runs with report_kinds


def select_rules(rules: Sequence[Rule], settings: LintSettings) -> list[Rule]:
    by_key = {key: rule for rule in rules for key in (rule.id, rule.name)}
    switches = [*((key, True) for key in settings.enable), *((key, False) for key in settings.disable)]
    switches += list(settings.switches)
    for key in [*(key for key, _ in switches), *settings.severities]:
        if key not in by_key:
            raise ConfigError(f"unknown rule {key!r} (see `svclint rules`)")
    enabled = {rule.id for rule in rules if rule.enabled}
    if settings.require_firewall:
        enabled |= {rule.id for rule in rules if "firewall" in rule.tags}  # the checks --require-firewall turns on
    for key, on in switches:
        if on:
            enabled.add(by_key[key].id)
        else:
            enabled.discard(by_key[key].id)
    return [rule for rule in rules if rule.id in enabled]


def load_all_rules(settings: LintSettings) -> list[Rule]:
    builtin = builtin_rules_dir()
    bundled = bundled_rules(builtin, REGISTRY)
    directories = [*([builtin] if bundled is None else []), *settings.rule_dirs]
    cache = None
    if settings.use_cache and directories:
        # The cache (and what it imports) is only for rule files read one by one.
        from svclint.core.cache import ValidationCache, default_cache_dir

        cache = ValidationCache(default_cache_dir())
    return load_rules(directories, REGISTRY, cache, preloaded=bundled or ())


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


@with_nesting_headroom
@with_rule_time_budget
def lint(settings: LintSettings, rules: Sequence[Rule] | None = None, progress: Progress | None = None) -> RunResult:
    all_rules = list(rules) if rules is not None else load_all_rules(settings)
    selected = select_rules(all_rules, settings)
    variables = Params(*settings.node_port_range, kube_version=settings.kube_version).variables()
    severities = {_rule_id(all_rules, key): sev for key, sev in settings.severities.items()}
    active = activate(selected, severities, variables)
    by_name = {a.rule.name: a for a in active}
    local = [a for a in active if a.rule.function is not None and not a.rule.needs_inventory]
    cross = [a for a in active if a.rule.function is not None and a.rule.needs_inventory]

    warnings: list[str] = []
    excludes = Excludes(settings.excludes, settings.respect_gitignore)
    reported = collect(
        settings.paths,
        settings.stdin_filename,
        excludes,
        settings.force_exclude,
        on_empty=_warn_empty(warnings),
        allow_outside=settings.allow_outside_project,
    )
    if not reported and not warnings:
        warnings.append(_nothing_to_check(settings))
    reported_keys = {source_key(s) for s in reported}
    context_sources = collect(
        settings.context, None, excludes, settings.force_exclude, allow_outside=settings.allow_outside_project
    )
    context = [s for s in context_sources if source_key(s) not in reported_keys]
    skipped = skip_kinds(selected) - settings.report_kinds
    options = LoadOptions(skip_kinds=skipped, max_file_bytes=settings.max_file_bytes)
    cross_rules = [active.rule for active in cross]
    whole_kinds = kept_whole(cross_rules)
    if whole_kinds is not None:
        whole_kinds |= settings.report_kinds
    job = FileJob(
        local,
        by_name,
        options,
        params=variables,
        whole_kinds=whole_kinds,
        projected_kinds=kept_compact(cross_rules),
        keep_spans=bool(settings.report_kinds),
    )
    work = [*((s, True) for s in reported), *((s, False) for s in context)]
    results = run_files(work, job, settings.jobs, progress)

    stats = RunStats()
    findings: list[Finding] = []
    kept: list[Resource] = []
    kustomizations: list[tuple[str, dict[str, Any]]] = []
    for result in results:
        findings.extend(result.findings)
        kept.extend(result.kept)
        kustomizations.extend((result.path, document) for document in result.kustomizations)
        if result.reported:
            stats.add(result.stats)
    rule_ids = {key: rule.id for rule in all_rules for key in (rule.id, rule.name)}
    # Suppressions in context files count too: a cross-resource finding about a context object may be reported
    # because it points into a file of the run, and is suppressed where the whole-repository run reports it.
    directives = collect_directives(results, rule_ids)
    in_run = frozenset(result.path for result in results if result.reported)
    files_read = {os.path.abspath(result.path): result.path for result in results if result.path != "<stdin>"}
    # A large run's per-file records: let them go before the inventory.
    del results, work, reported, reported_keys, context, context_sources

    exported = _load_firewall_files(settings.firewall_files)
    kept.extend(exported.resources)
    partial_view = not settings.context and any(p == "-" or not os.path.isdir(p) for p in settings.paths)
    view: KustomizeView | None = None
    if settings.kustomize_mode != "off" and any(
        os.path.basename(path) in KUSTOMIZATION_FILES for path in files_read.values()
    ):
        from svclint.kustomize.stage import build_view  # the builder loads only for runs holding a kustomization

        view = build_view(kept, files_read, settings.allow_outside_project)
        findings.extend(_build_problems(view.problems if view is not None else (), by_name))
    inventories: list[Inventory] = []  # for a report (report_kinds): the inventory of each view
    prepare = _prepare(cross, exported, settings, inventories)
    checks = ViewChecks(cross, variables, in_run, bool(settings.context), prepare, kustomizations, build_inventory)
    findings.extend(checks.check(cluster_views(kept, view, settings.clusters, partial_view)))

    suppression_stats = SuppressionStats()
    findings = apply_suppressions(findings, directives, suppression_stats)
    unused_rule = next((a for a in active if a.rule.producer == "suppressions"), None)
    if unused_rule is not None:
        judged = [d for d in directives if d.file in in_run]
        findings.extend(_unused_findings(unused(judged, frozenset(a.rule.id for a in active)), unused_rule))
    if settings.baseline is not None:
        from svclint.filters.baseline import apply_baseline, read_baseline  # hashing, only for runs with a baseline

        findings, suppression_stats.baseline = apply_baseline(findings, read_baseline(settings.baseline))
    findings = [into_run(f, in_run) for f in findings]
    findings.sort(key=Finding.sort_key)
    return RunResult(findings, active, stats, suppression_stats, warnings, inventories)


def _prepare(
    cross: Sequence[ActiveRule], exported: _Exported, settings: LintSettings, inventories: list[Inventory]
) -> Callable[[Inventory], None]:
    """What each view's inventory needs besides its objects: the firewall model, when firewall checks or a report
    read it; a report also gets every inventory."""
    needs_firewall = any(a.rule.function is not None and a.rule.function.needs_firewall for a in cross)

    def prepare(inventory: Inventory) -> None:
        if settings.report_kinds or needs_firewall:
            inventory.firewall = _firewall_model(inventory.firewall_resources, exported, settings.firewall)
        if settings.report_kinds:
            inventories.append(inventory)

    return prepare


def _build_problems(problems: Iterable[BuildProblem], by_name: dict[str, ActiveRule]) -> Iterable[Finding]:
    for problem in problems:
        loaded = LoadedFile(problem.path, problems=[StructureProblem(problem.code, problem.message, problem.span)])
        yield from input_findings(loaded, by_name)


def _warn_empty(warnings: list[str]) -> Callable[[str], None]:
    def warn(path: str) -> None:
        warnings.append(f"{path}: no YAML files (*.yaml, *.yml) to check outside the excluded ones")

    return warn


def _nothing_to_check(settings: LintSettings) -> str:
    if settings.force_exclude and any(os.path.isfile(p) for p in settings.paths):
        return "no files checked: every file named is excluded (see `exclude`; --no-force-exclude lints them)"
    return "no files checked"


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


def _unused_findings(problems: Iterable[tuple[Directive, str]], active: ActiveRule) -> Iterable[Finding]:
    for directive, message in problems:
        yield Finding(
            rule_id=active.rule.id,
            rule_name=active.rule.name,
            severity=active.severity,
            message=message,
            location=directive.location,
            resource=directive.resource,
            identity=(active.rule.id, directive.origin, directive.text),
        )


@dataclass
class _Exported:
    """What the --firewall-rules files hold: objects for the inventory and rules for the model."""

    resources: list[Resource] = field(default_factory=list)
    rules: list[FirewallRule] = field(default_factory=list)


def _load_firewall_files(paths: Sequence[str]) -> _Exported:
    exported = _Exported()
    if not paths:
        return exported
    # The firewall model loads only in runs that use it: most runs need not pay for importing it.
    from svclint.firewall.sources import MAX_EXPORT_BYTES, FirewallFileError, load_export

    for path in paths:
        try:
            raw = read_regular_file(path, MAX_EXPORT_BYTES, "firewall rules", allow_fifo=True)
        except FileReadError as err:
            raise ConfigError(str(err)) from None
        try:
            resources, rules = load_export(path, raw)
        except FirewallFileError as err:
            raise ConfigError(str(err)) from None
        exported.resources.extend(resources)
        exported.rules.extend(rules)
    return exported


def _firewall_model(objects: Sequence[Resource], exported: _Exported, settings: FirewallSettings) -> FirewallModel:
    from svclint.firewall.model import FirewallModel
    from svclint.firewall.sources import RuleProblem, rules_from_compute_firewall

    rules: list[FirewallRule] = []
    problems: list[RuleProblem] = []
    for resource in objects:
        found, trouble = rules_from_compute_firewall(resource)
        rules.extend(found)
        problems.extend(trouble)
    return FirewallModel([*rules, *exported.rules], settings, problems)


def _rule_id(rules: Sequence[Rule], key: str) -> str:
    return next(rule.id for rule in rules if key in (rule.id, rule.name))
