"""`svclint rules`, `svclint explain` and `svclint check-rules`: the rules as the configuration sets them up.

`rules` and `explain` read the same configuration as `lint` (custom rule directories, enable/disable, severity
overrides, firewall checks), so what they show is what a lint run in the same place would use.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from msgspec import Struct

from svclint.core.errors import EXIT_CLEAN, EXIT_FINDINGS, SvclintError

if TYPE_CHECKING:  # the rule machinery loads only when a command runs: `svclint lint` starts faster without it
    from svclint.engine.ruleset import Rule

F = TypeVar("F", bound=Callable[..., Any])


class RuleStatus(Struct, frozen=True):
    """A rule and what the configuration makes of it."""

    rule: Rule
    enabled: bool
    severity: str

    def note(self) -> str:
        """Why a listed rule will not run, for the text listing ("" when it runs)."""
        if self.enabled:
            return ""
        return "off by default" if not self.rule.enabled else "turned off"


def configuration_options(function: F) -> F:
    """The options that decide which rules exist and how they are set, as `svclint lint` reads them."""
    decorators = [
        click.option(
            "--rules",
            "rule_dirs",
            multiple=True,
            type=click.Path(file_okay=False, exists=True, path_type=Path),
            help="Add a directory of rule files (repeatable).",
        ),
        click.option(
            "--enable",
            multiple=True,
            metavar="RULE",
            shell_complete=complete_rule_names,
            help="Turn a rule on, by id or name (repeatable).",
        ),
        click.option(
            "--disable",
            multiple=True,
            metavar="RULE",
            shell_complete=complete_rule_names,
            help="Turn a rule off, by id or name (repeatable).",
        ),
        click.option(
            "--config", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Configuration file."
        ),
        click.option("--no-config", is_flag=True, help="Ignore configuration files."),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def configured_rules(
    rule_dirs: Sequence[Path], enable: Sequence[str], disable: Sequence[str], config: Path | None, no_config: bool
) -> list[RuleStatus]:
    """Every loaded rule with its state under the configuration and flags (a SvclintError when they are wrong)."""
    return _statuses(rule_dirs, enable, disable, config, no_config)


def _statuses(
    rule_dirs: Sequence[Path], enable: Sequence[str], disable: Sequence[str], config: Path | None, no_config: bool
) -> list[RuleStatus]:
    from svclint.run.options import CommandLine, check_rule_names, resolve
    from svclint.run.rules import load_all_rules, select_rules

    command_line = CommandLine(
        paths=(),
        rule_dirs=tuple(rule_dirs),
        enable=tuple(enable),
        disable=tuple(disable),
        config=config,
        no_config=no_config,
    )
    resolved = resolve(command_line, Path.cwd())
    rules = load_all_rules(resolved.settings)
    check_rule_names(resolved.config, rules)
    selected = {rule.id for rule in select_rules(rules, resolved.settings)}
    overrides = {key: severity.label for key, severity in resolved.settings.severities.items()}
    return [
        RuleStatus(rule, rule.id in selected, overrides.get(rule.id, overrides.get(rule.name, rule.severity.label)))
        for rule in rules
    ]


def complete_rule_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of rule ids and names, from the rules the configuration (and --rules, --config) loads."""
    params = ctx.params
    try:
        statuses = _statuses(params.get("rule_dirs") or (), (), (), params.get("config"), bool(params.get("no_config")))
    except Exception:  # a half-typed command line: complete nothing rather than print an error into the shell
        return []
    keys = [key for status in statuses for key in (status.rule.id, status.rule.name)]
    return [key for key in keys if key.startswith(incomplete) or key.startswith(incomplete.upper())]


def rule_record(status: RuleStatus) -> dict[str, Any]:
    """One rule for `svclint rules --format json`."""
    from svclint.reporters.ruledocs import rule_help_uri

    rule = status.rule
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "severity": status.severity,
        "defaultSeverity": rule.severity.label,
        "enabled": status.enabled,
        "enabledByDefault": rule.enabled,
        "tags": list(rule.tags),
        "versionDependent": "version-dependent" in rule.tags,
        "securitySeverity": rule.security_severity,
        "builtin": rule.builtin,
        "file": _display_path(rule.origin),
        "helpUri": rule_help_uri(rule),
    }


def _display_path(origin: str) -> str:
    """Relative to the working directory when inside it, as `lint` shows paths."""
    path = Path(origin)
    try:
        return path.relative_to(Path.cwd()).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return origin


@click.command("rules")
@configuration_options
@click.option(
    "--all", "show_all", is_flag=True, help="Also list rules that will not run (off by default or turned off)."
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Listing format.",
)
def list_rules(
    rule_dirs: tuple[Path, ...],
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    config: Path | None,
    no_config: bool,
    show_all: bool,
    output_format: str,
) -> None:
    """List the rules a lint run here would use.

    One line per rule: id, name, severity (after the configuration's overrides) and title.
    """
    statuses = configured_rules(rule_dirs, enable, disable, config, no_config)
    shown = [status for status in statuses if status.enabled or show_all]
    if output_format == "json":
        click.echo(json.dumps([rule_record(status) for status in shown], indent=2, ensure_ascii=False))
        return
    width = max((len(status.rule.name) for status in shown), default=10)
    for status in shown:
        rule = status.rule
        note = f"  ({status.note()})" if status.note() else ""
        version = "  (depends on --kube-version)" if "version-dependent" in rule.tags else ""
        click.echo(f"{rule.id:<8} {rule.name:<{width}}  {status.severity:<7}  {rule.title}{version}{note}")


@click.command()
@click.argument("rule", shell_complete=complete_rule_names)
@configuration_options
def explain(
    rule: str,
    rule_dirs: tuple[Path, ...],
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    config: Path | None,
    no_config: bool,
) -> None:
    """Show a rule's documentation (by id or name).

    A line says how the configuration changes the rule (turned off or on, another severity).
    """
    from svclint.commands.rulepage import rule_page

    for status in configured_rules(rule_dirs, enable, disable, config, no_config):
        candidate = status.rule
        if rule in (candidate.id, candidate.name) or rule.upper() == candidate.id:
            click.echo(rule_page(candidate, _configured_facts(status)), nl=False)
            return
    raise SvclintError(f"unknown rule {rule!r} (see `svclint rules --all`)")


def _configured_facts(status: RuleStatus) -> list[str]:
    """What differs from the rule file's defaults here, so that `explain` does not promise a check that is off."""
    facts = []
    if status.enabled != status.rule.enabled:
        facts.append("on" if status.enabled else "off")
    if status.severity != status.rule.severity.label:
        facts.append(f"severity {status.severity}")
    return facts


@click.command("check-rules")
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path), metavar="DIR")
@click.option("-v", "--verbose", is_flag=True, help="Also list the examples that pass.")
def check_rules(directory: Path, verbose: bool) -> None:
    """Run the examples of DIR's rule files as tests.

    Each invalid example must be reported exactly where its `^` lines point, with their messages (or on its
    lines marked `# <-`), each valid one not at all. Exit 1 when an example fails, 2 when a rule file is wrong.
    """
    from svclint.commands.ruletests import run_examples
    from svclint.engine.ruleset import builtin_rules_dir, load_rules
    from svclint.functions import all_functions

    rules = load_rules([builtin_rules_dir(), directory], all_functions())
    own = [rule for rule in rules if not rule.builtin]
    if not own:
        raise SvclintError(f"{directory}: no rule files (*.yaml, *.yml)")
    failed = passed = 0
    for rule in own:
        for outcome in run_examples(rule, rules):
            if outcome.passed:
                passed += 1
                if verbose:
                    click.echo(f"ok    {outcome.where}: {rule.id} {outcome.label}")
                continue
            failed += 1
            click.echo(f"FAIL  {outcome.where}: {rule.id} {outcome.label}: {outcome.problem}")
    rules_text = f"{len(own)} rule" + ("s" if len(own) != 1 else "")
    click.echo(f"{passed} passed, {failed} failed: the examples of {rules_text} in {directory}")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
