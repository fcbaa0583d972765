"""The first stages of a run: which files it reads (the paths reported on, then the --context paths), and
reading them, each file on its own (filework.py, in the process pool of parallel.py). What comes out is what the
later stages need of the files: the per-file findings, the objects kept for the inventory, the kustomizations,
the suppression comments, the counts."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from msgspec import Struct, field

from svclint.core.model import Finding
from svclint.core.stats import RunStats
from svclint.filters.suppress import Directive, collect_directives
from svclint.input.document import Resource
from svclint.input.excludes import Excludes
from svclint.input.parsing.loader import LoadOptions
from svclint.input.sources import Source, collect, source_key
from svclint.run.filework import FileJob, FileResult
from svclint.run.parallel import Progress
from svclint.run.rules import RulePlan, skip_kinds
from svclint.run.settings import LintSettings

# Reads the files (the reported ones flagged True) with a job, on so many processes: run_files, in a run.
ReadFiles = Callable[[Sequence[tuple[Source, bool]], FileJob, int, Progress | None], list[FileResult]]


class Sources(Struct):
    """The files of a run: those it reports on, and --context files that are not among them."""

    reported: list[Source]
    context: list[Source]

    def work(self) -> list[tuple[Source, bool]]:
        return [*((s, True) for s in self.reported), *((s, False) for s in self.context)]


class FilesRead(Struct):
    """What reading every file of a run leaves for the stages across files."""

    findings: list[Finding] = field(default_factory=list)
    kept: list[Resource] = field(default_factory=list)
    kustomizations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    in_run: frozenset[str] = frozenset()  # the files reported on
    files_read: dict[str, str] = field(default_factory=dict)  # absolute path -> path as shown
    stats: RunStats = field(default_factory=RunStats)


def gather_sources(settings: LintSettings, warnings: list[str]) -> Sources:
    """The files of the run's paths; `warnings` hears of paths that hold nothing to check."""
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
    return Sources(reported, context)


def file_job(plan: RulePlan, settings: LintSettings) -> FileJob:
    """What each file's reading needs to know of the run."""
    options = LoadOptions(
        skip_kinds=skip_kinds(plan.selected) - settings.report_kinds, max_file_bytes=settings.max_file_bytes
    )
    whole_kinds = plan.whole_kinds()
    if whole_kinds is not None:
        whole_kinds |= settings.report_kinds
    return FileJob(
        plan.local,
        plan.by_name,
        options,
        params=plan.variables,
        whole_kinds=whole_kinds,
        projected_kinds=plan.compact_kinds(),
        keep_spans=bool(settings.report_kinds),
    )


def read_files(
    sources: Sources, plan: RulePlan, settings: LintSettings, progress: Progress | None, read: ReadFiles
) -> FilesRead:
    """Every file read with `read`, and what of each the later stages need; the per-file records end here, so
    a large run lets them go before the inventory is built."""
    results = read(sources.work(), file_job(plan, settings), settings.jobs, progress)
    files = FilesRead()
    for result in results:
        files.findings.extend(result.findings)
        files.kept.extend(result.kept)
        files.kustomizations.extend((result.path, document) for document in result.kustomizations)
        if result.reported:
            files.stats.add(result.stats)
    # Suppressions in context files count too: a cross-resource finding about a context object may be reported
    # because it points into a file of the run, and is suppressed where the whole-repository run reports it.
    files.directives = collect_directives(results, plan.ids)
    files.in_run = frozenset(result.path for result in results if result.reported)
    files.files_read = {_absolute(r.path): r.path for r in results if r.path != "<stdin>"}
    return files


def _absolute(path: str) -> str:
    """The absolute path, the very string shown when it is already absolute: a run keeps one per file."""
    absolute = os.path.abspath(path)
    return path if absolute == path else absolute


def _warn_empty(warnings: list[str]) -> Callable[[str], None]:
    def warn(path: str) -> None:
        warnings.append(f"{path}: no YAML files (*.yaml, *.yml) to check outside the excluded ones")

    return warn


def _nothing_to_check(settings: LintSettings) -> str:
    if settings.force_exclude and any(os.path.isfile(p) for p in settings.paths):
        return "no files checked: every file named is excluded (see `exclude`; --no-force-exclude lints them)"
    return "no files checked"
