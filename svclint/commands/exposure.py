"""`svclint exposure`: the lint run's inputs, configuration and context, reported as the ways in from outside.

The command takes lint's input options as they are (the same click options, so they cannot drift apart), runs
lint with the objects the report reads kept whole, builds the report from the run's inventory, compares it with
a base report when asked, and renders it. The CLI writes it and turns the outcome into the exit code.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from msgspec import Struct, field
from msgspec.structs import replace

from svclint.core.errors import SvclintError

if TYPE_CHECKING:
    from svclint.exposure.model import Entry
    from svclint.run.parallel import Progress

FORMATS = ("text", "markdown", "json", "html")
REACH_LEVELS = ("internet", "vpc", "cluster")
# lint's options that say what to read and how to judge it; the output options are the report's own.
SHARED_OPTIONS = (
    "paths", "quiet", "node_port_range", "kube_version", "rule_dirs", "enable", "disable", "stdin_filename",
    "context", "require_firewall", "firewall_files", "client_ranges", "firewall_network", "node_tags",
    "security_groups", "config", "no_config", "baseline", "allow_outside_project", "max_file_size", "jobs",
    "no_cache", "force_exclude", "respect_gitignore",
)  # fmt: skip


class ExposureError(SvclintError):
    """Options, configuration or a base report that cannot be used (exit 2)."""


class Produced(Struct):
    """The rendered report, the entries a --fail-on-new gate stops at, and warnings for stderr."""

    data: bytes
    newly_exposed: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parameters(lint: click.Command) -> list[click.Parameter]:
    """lint's input options, then the report's own."""
    params: list[click.Parameter] = [_reworded(p) for p in lint.params if p.name in SHARED_OPTIONS]
    return [
        *params,
        click.Option(
            ["-f", "--format", "output_format"],
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Report format: text, markdown ($GITHUB_STEP_SUMMARY, pull-request comments), json or html "
            "(one self-contained page).",
        ),
        click.Option(["-o", "--output"], type=click.Path(dir_okay=False), help="Write the report to FILE."),
        click.Option(
            ["--diff", "diff"],
            type=click.Path(dir_okay=False),
            metavar="BASE.json",
            help="Mark entries new, gone, renamed or changed in reach against an earlier `--format json` report.",
        ),
        click.Option(
            ["--fail-on-new"],
            type=click.Choice(REACH_LEVELS),
            help="With --diff: exit 1 when an entry is newly exposed this far (internet; vpc: the VPC or wider; "
            "cluster: any).",
        ),
    ]


# What an option of lint's means for the report, where lint's own help would mislead.
REWORDED = {"quiet": "Nothing on stderr: no warnings, no progress, no list of newly exposed entries."}


def _reworded(param: click.Parameter) -> click.Parameter:
    if param.name not in REWORDED or not isinstance(param, click.Option):
        return param
    clone = copy.copy(param)
    clone.help = REWORDED[param.name]
    return clone


def produce(options: dict[str, Any], progress: Progress | None) -> Produced:
    """Run lint over the inputs, build the report, diff it, render it. Raises ExposureError (and RuleError)."""
    from svclint.exposure.diff import apply_diff, newly_exposed, read_base
    from svclint.exposure.render import render

    output_format, base_path, fail_on_new = options["output_format"], options["diff"], options["fail_on_new"]
    if fail_on_new is not None and base_path is None:
        raise ExposureError("--fail-on-new needs --diff BASE.json: what is new is new against a base report")
    base = None
    if base_path is not None:
        base = read_base(base_path)
    report, warnings = _run_and_build({key: options[key] for key in SHARED_OPTIONS}, progress)
    if base is not None:
        apply_diff(report, base, base_path)
    data = render(report, output_format).encode("utf-8", errors="surrogateescape")
    newly = newly_exposed(report, fail_on_new) if fail_on_new is not None else []
    return Produced(data, newly, warnings)


def _run_and_build(options: dict[str, Any], progress: Progress | None) -> tuple[Any, list[str]]:
    from svclint.exposure.collect import build_report
    from svclint.exposure.kinds import REPORT_KINDS
    from svclint.run.options import CommandLine, check_rule_names, resolve
    from svclint.run.pipeline import lint
    from svclint.run.rules import load_all_rules

    resolved = resolve(CommandLine(**options), Path.cwd())
    settings = replace(resolved.settings, report_kinds=REPORT_KINDS)
    rules = load_all_rules(settings)
    check_rule_names(resolved.config, rules)
    result = lint(settings, rules, progress)
    return build_report(result.inventories, result.findings), [*resolved.warnings, *result.warnings]
