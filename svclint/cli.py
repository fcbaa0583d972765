"""The command line: `svclint lint`, `svclint rules`, `svclint explain`. It wires options into run.lint.

Exit codes: 0 nothing at or above the fail level, 1 findings at or above it, 2 usage, configuration or rule
errors (and anything unexpected: a traceback never reaches the user unless SVCLINT_DEBUG is set).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from svclint import __version__
from svclint.core.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, SvclintError
from svclint.k8s.versions import NEWEST, OLDEST, version_text

if TYPE_CHECKING:
    from svclint.reporters import Report
    from svclint.reporters.outputs import Output
    from svclint.reporters.progress import ProgressLine
    from svclint.run.options import CommandLine, Resolved
    from svclint.run.pipeline import RunResult
    from svclint.run.settings import LintSettings

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
    tell(SvclintError(message))


def tell(error: SvclintError) -> NoReturn:
    """Every error a user can fix ends here: its lines on standard error, then its exit code."""
    for message in error.messages():
        click.echo(f"svclint: {error.label}: {message}", err=True)
    sys.exit(error.exit_code)


def _checked(parse: Callable[[str], object], value: str | None) -> str | None:
    """`value` as given, once `parse` accepts it: a ValueError becomes click's usage error (exit 2)."""
    if value is None:
        return None
    try:
        parse(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value


def _port_range(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from svclint.engine.params import parse_port_range

    return _checked(parse_port_range, value)


def _kube_version(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from svclint.k8s.versions import parse_kube_version

    return _checked(parse_kube_version, value)


def _format_specs(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from svclint.reporters.outputs import OutputError, parse_spec

    for spec in value:
        try:
            parse_spec(spec)
        except OutputError as err:
            raise click.BadParameter(str(err)) from None
    return value


def _complete_rule_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from svclint.commands.rules import complete_rule_names

    return complete_rule_names(ctx, param, incomplete)


class _LazyGroup(click.Group):
    """Commands other than `lint` are made when they are asked for: a lint run (the pre-commit case, once per
    commit) does not pay for importing them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, Callable[[], click.Command]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SvclintError as error:
            tell(error)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name != "lint":
            # Only a lint run ends its start-up itself (run/startup.py); the language server runs for hours.
            from svclint.run.startup import resume_collection

            resume_collection()
        make = self.lazy.pop(cmd_name, None)
        if make is not None:
            self.add_command(make(), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="svclint", message="%(prog)s %(version)s")
def cli() -> None:
    """Find Kubernetes Service exposure problems before they reach a cluster."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "-f",
    "--format",
    "output_format",
    multiple=True,
    callback=_format_specs,
    metavar="FORMAT[:FILE]",
    help="Report format: text, sarif, json, github or gitlab; FORMAT:FILE writes that report to FILE "
    "(repeatable: one run, several reports).  [default: text]",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option("-q", "--quiet", is_flag=True, help="Only the findings: no summary, no progress, nothing on stderr.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output; auto: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).",
)
@click.option(
    "--show-source/--no-show-source",
    default=None,
    help="Show each finding's source line with a caret under it.  [default: on a terminal]",
)
@click.option("--statistics", is_flag=True, help="Text output: count findings per rule instead of listing them.")
@click.option(
    "--sarif-omit-suppressed/--sarif-keep-suppressed",
    default=None,
    help="Leave suppressed and baselined results out of SARIF (code scanning would open them as alerts).  "
    "[default: omit when GITHUB_ACTIONS is set]",
)
@click.option(
    "--node-port-range",
    callback=_port_range,
    metavar="LO-HI",
    help="The cluster's --service-node-port-range.  [default: 30000-32767]",
)
@click.option(
    "--kube-version",
    callback=_kube_version,
    metavar="MAJOR.MINOR",
    help=f"The Kubernetes version of the cluster the manifests are for ({version_text(OLDEST)} through "
    f"{version_text(NEWEST)}): fields, values and API versions it does not accept are errors.  "
    f"[default: {version_text(NEWEST)}, the newest svclint knows]",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "note", "never"]),
    help="Lowest severity that makes the exit code 1.  [default: error]",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Add a directory of rule files (repeatable).",
)
@click.option(
    "--enable",
    multiple=True,
    metavar="RULE",
    shell_complete=_complete_rule_names,
    help="Turn a rule on, by id or name (repeatable).",
)
@click.option(
    "--disable",
    multiple=True,
    metavar="RULE",
    shell_complete=_complete_rule_names,
    help="Turn a rule off, by id or name (repeatable).",
)
@click.option("--stdin-filename", metavar="NAME", help="The path to report for input read from '-'.")
@click.option(
    "--context",
    multiple=True,
    metavar="PATH",
    help="Load manifests for cross-resource checks without reporting on them (repeatable).",
)
@click.option(
    "--require-firewall",
    is_flag=True,
    default=None,
    help="Check that firewall rules open every NodePort (SVC401-SVC405).",
)
@click.option(
    "--firewall-rules",
    "firewall_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Firewall export to read besides the manifests' firewall objects: gcloud, aws or Terraform JSON.",
)
@click.option(
    "--firewall-client-range",
    "client_ranges",
    multiple=True,
    metavar="CIDR",
    help="Clients that must reach node ports (repeatable); default: any source will do.",
)
@click.option("--firewall-network", metavar="NAME", help="Only firewall rules of this VPC network apply.")
@click.option("--firewall-node-tag", "node_tags", multiple=True, metavar="TAG", help="Network tag of the nodes.")
@click.option(
    "--firewall-security-group",
    "security_groups",
    multiple=True,
    metavar="ID",
    help="AWS security group (id or name) of the nodes; default: every group read.",
)
@click.option("--config", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Configuration file.")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--show-suppressed/--hide-suppressed",
    default=None,
    help="Show suppressed findings in text output.  [default: hide]",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Report only findings that are not in this baseline.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record today's findings in FILE (exit 0) for adopting svclint in an existing repository.",
)
@click.option(
    "--allow-outside-project",
    is_flag=True,
    help="Read files outside the project: links a walk meets that lead out of it, paths the configuration names.",
)
@click.option(
    "--kustomize-mode",
    type=click.Choice(["build", "off"]),
    help="build: check the objects of each kustomization of the run as kustomize builds them; off: check each "
    "file alone.  [default: build]",
)
@click.option("--force", is_flag=True, help="Let --write-baseline replace a file that is not an svclint baseline.")
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    metavar="MIB",
    help="Files larger than this many MiB are reported and not linted.  [default: 32]",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Processes reading files; 0 (the default) means one per CPU, 1 means no pool.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write svclint's validation cache.")
@click.option(
    "--force-exclude/--no-force-exclude",
    default=None,
    help="Apply exclude patterns to files named on the command line too.  [default: force-exclude]",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Skip files .gitignore ignores in directory walks.  [default: respect-gitignore]",
)
@click.option("--fix", "fix_files", is_flag=True, help="Apply the safe fixes to the files, then report what is left.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
def lint(**options: Any) -> None:
    """Lint Kubernetes manifests: files, directories (*.yaml, *.yml, recursively) or - for stdin."""
    from svclint.reporters.outputs import plan_outputs
    from svclint.run.options import CommandLine, check_rule_names, resolve
    from svclint.run.pipeline import lint as run_lint
    from svclint.run.rules import load_all_rules

    force = options.pop("force")
    fixing = _FixMode(options.pop("fix_files"), options.pop("show_diff"), options.pop("unsafe_fixes"))
    cli_options = CommandLine(**options)
    fixing.check(cli_options.paths)
    resolved = resolve(cli_options, Path.cwd())
    outputs = plan_outputs(cli_options.output_format, cli_options.output, resolved.output_format)
    for planned in outputs:
        _check_output(planned.file)
    rules = load_all_rules(resolved.settings)
    check_rule_names(resolved.config, rules)
    progress = _progress(cli_options.quiet)
    try:
        result = run_lint(resolved.settings, rules, progress)
    finally:
        if progress is not None:
            progress.finish()
    for warning in [*resolved.warnings, *result.warnings]:
        click.echo(f"svclint: warning: {warning}", err=True)
    if fixing.diff:
        sys.exit(_print_diff(result.findings, fixing.unsafe, resolved.settings))
    if fixing.fix:
        again = lambda: run_lint(resolved.settings, rules, None)  # noqa: E731
        result = _apply_fixes(result, again, fixing, cli_options.quiet, resolved.settings)
    if cli_options.write_baseline is not None:
        from svclint.filters.baseline import write_baseline

        written = write_baseline(cli_options.write_baseline, result.findings, force=force)
        _tell_baseline(cli_options.write_baseline, written)
        sys.exit(EXIT_CLEAN)
    report = _report(result, resolved, cli_options)
    _write_reports(report, outputs, cli_options)
    sys.exit(EXIT_FINDINGS if report.failing() else EXIT_CLEAN)


def _report(result: RunResult, resolved: Resolved, cli_options: CommandLine) -> Report:
    from svclint.core.model import Severity
    from svclint.reporters import Report

    fail_level = None if resolved.fail_on == "never" else Severity.parse(resolved.fail_on)
    omit = cli_options.sarif_omit_suppressed
    return Report(
        result.findings,
        result.rules,
        result.stats,
        show_suppressed=resolved.show_suppressed,
        suppressions=result.suppressions,
        quiet=cli_options.quiet,
        statistics=cli_options.statistics,
        omit_suppressed=omit if omit is not None else bool(os.environ.get("GITHUB_ACTIONS")),
        fail_level=fail_level,
        kube_version=version_text(resolved.settings.kube_version),
    )


def _write_reports(report: Report, outputs: Sequence[Output], cli_options: CommandLine) -> None:
    """Each planned report, in its format, to its file or standard output; a digest when none went there."""
    from msgspec.structs import replace

    from svclint.reporters import part_renderer
    from svclint.reporters.outputs import is_terminal, use_color

    for output in outputs:
        stream = sys.stdout if output.file is None else None
        color = use_color(cli_options.color, stream) if output.file is None else cli_options.color == "always"
        show_source = cli_options.show_source
        if show_source is None:
            show_source = output.file is None and is_terminal(stream)
        parts = part_renderer(output.format)(replace(report, color=color, show_source=show_source))
        _write((_encoded(part, output.format) for part in parts), output.file)
    if not cli_options.quiet and all(output.file is not None for output in outputs):
        _write_digest(report, [output.file for output in outputs if output.file is not None], cli_options.color)


class _FixMode:
    def __init__(self, fix: bool, diff: bool, unsafe: bool) -> None:
        self.fix, self.diff, self.unsafe = fix, diff, unsafe

    def check(self, paths: Sequence[str]) -> None:
        if self.fix and self.diff:
            raise click.UsageError("--fix and --diff do not go together: --diff shows what --fix would do")
        if self.unsafe and not (self.fix or self.diff):
            raise click.UsageError("--unsafe-fixes goes with --fix or --diff")
        if (self.fix or self.diff) and "-" in paths:
            raise click.UsageError("--fix and --diff work on files, not on standard input")


def _print_diff(findings: Sequence[Any], unsafe: bool, settings: LintSettings) -> int:
    from svclint.fix.diff import unified_diff
    from svclint.fix.files import fix_files

    roots = settings.paths
    fixed = [item for item in fix_files(findings, unsafe, settings.max_file_bytes, roots) if item.changed]
    _write(unified_diff(fixed).encode("utf-8", errors="surrogateescape"), None)
    count = sum(len(item.applied) for item in fixed)
    click.echo(f"svclint: {count} fix{'es' if count != 1 else ''} available{_unsafe_hint(findings, unsafe)}", err=True)
    return EXIT_FINDINGS if fixed else EXIT_CLEAN


def _apply_fixes(
    result: Any, lint_again: Callable[[], Any], fixing: _FixMode, quiet: bool, settings: LintSettings
) -> Any:
    from svclint.fix.passes import fix_until_done

    outcome = fix_until_done(
        result, lambda run: run.findings, lint_again, fixing.unsafe, settings.max_file_bytes, settings.paths
    )
    for error in outcome.errors:
        click.echo(f"svclint: error: {error}", err=True)
    if not quiet:
        files = len(outcome.files)
        hint = _unsafe_hint(outcome.result.findings, fixing.unsafe)
        problems = f"{outcome.fixed} problem{'s' if outcome.fixed != 1 else ''}"
        click.echo(f"svclint: fixed {problems} in {files} file{'s' if files != 1 else ''}{hint}", err=True)
    return outcome.result


def _unsafe_hint(findings: Sequence[Any], unsafe: bool) -> str:
    from svclint.fix.files import unsafe_only

    waiting = 0 if unsafe else unsafe_only(findings)
    return f" ({waiting} more with --unsafe-fixes)" if waiting else ""


# Failing findings listed on stderr when the report goes to a file: enough to see why a CI job is red.
DIGEST_LIMIT = 20


def _write_digest(report: Report, files: list[str], color_mode: str) -> None:
    """The summary, and on failure the first failing findings, on stderr: a CI job never goes red silently."""
    from msgspec.structs import replace

    from svclint.reporters.outputs import use_color
    from svclint.reporters.text import finding_line, summary

    styled = replace(report, color=use_color(color_mode, sys.stderr), show_source=False)
    failing = styled.failing()
    for finding in failing[:DIGEST_LIMIT]:
        click.echo(finding_line(finding, styled), err=True)
    if len(failing) > DIGEST_LIMIT:
        click.echo(f"... and {len(failing) - DIGEST_LIMIT} more failing findings", err=True)
    click.echo(f"{summary(styled)} Report written to {', '.join(files)}.", err=True)


def _progress(quiet: bool) -> ProgressLine | None:
    from svclint.reporters.outputs import is_terminal
    from svclint.reporters.progress import ProgressLine

    if quiet or not is_terminal(sys.stderr):
        return None
    return ProgressLine(sys.stderr)


def _check_output(output: str | None) -> None:
    """Refuse a link or a non-regular file as a report file before the run, not after it."""
    if output is not None:
        from svclint.core.safe_write import UnsafeTargetError, check_target

        try:
            check_target(Path(output))
        except UnsafeTargetError as err:
            fail(f"refusing to write the report: {err}")


def _tell_baseline(path: Path, written: Any) -> None:
    click.echo(f"svclint: wrote {written.count} findings to the baseline {path}", err=True)
    if written.dropped:
        click.echo(f"svclint: dropped {len(written.dropped)} entries no longer found:", err=True)
        for entry in written.dropped:
            where = f"{entry.get('path')}:{entry.get('line')}"
            click.echo(f"  {where}: {entry.get('rule')} {entry.get('message')}", err=True)


def _encoded(text: str, output_format: str) -> bytes:
    """The report's bytes. A file name that is not UTF-8 reaches here as lone surrogates (Python's
    surrogateescape): JSON formats keep them as JSON's own `\\udcXX` escapes, so the report stays valid UTF-8;
    text formats write the name's original bytes, as `ls` shows them (other lone surrogates, which no file
    name decodes to, are written as `\\uXXXX` there too)."""
    try:
        # Text without lone surrogates (nearly every report) needs no escaping: searching a large SARIF log for
        # them costs several times what encoding it does, and encoding fails on the first.
        return text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    from svclint.reporters.outputs import JSON_FORMATS

    escaped = _SURROGATE if output_format in JSON_FORMATS else _NOT_A_BYTE
    text = escaped.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text.encode("utf-8", errors="surrogateescape")


_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_A_BYTE = re.compile("[\ud800-\udc7f\udd00-\udfff]")  # surrogateescape holds bytes as U+DC80-U+DCFF


def _write(data: bytes | Iterable[bytes], output: str | None) -> None:
    """Write the report, given whole or in parts (which are written as they are made)."""
    parts = (data,) if isinstance(data, bytes) else data
    if output is None:
        if sys.stdout is None:
            fail("cannot write the report: standard output is closed (use --output FILE)")
        try:
            sys.stdout.flush()
            binary = getattr(sys.stdout, "buffer", None)
            for part in parts:
                if binary is not None:
                    binary.write(part)
                else:  # replaced by a text-only stream
                    sys.stdout.write(part.decode("utf-8", errors="replace"))
            sys.stdout.flush()
        except BrokenPipeError:
            # `svclint lint . | head`: the reader left; do not print a traceback on exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError as err:  # a full disk behind `> report.sarif`
            fail(f"cannot write the report: {err.strerror}")
        return
    from svclint.core.safe_write import UnsafeTargetError, write_atomically

    try:
        write_atomically(Path(output), parts)
    except UnsafeTargetError as err:
        fail(f"refusing to write the report: {err}")
    except OSError as err:
        fail(f"cannot write {output}: {err.strerror}")


@cli.command()
@click.option(
    "--stdio",
    is_flag=True,
    expose_value=False,  # accepted because editors pass it; standard input and output is the only transport
    help="Talk over standard input and output (the default and only transport).",
)
def server() -> None:
    """Run the language server: diagnostics, quick fixes and rule documentation in editors."""
    from svclint.lsp.server import serve

    serve()


def _rule_command(name: str) -> Callable[[], click.Command]:
    def make() -> click.Command:
        from svclint.commands import rules

        command: click.Command = getattr(rules, name)
        return command

    return make


def _add_rule_commands() -> None:
    assert isinstance(cli, _LazyGroup)
    for name, function in (("rules", "list_rules"), ("explain", "explain"), ("check-rules", "check_rules")):
        cli.lazy[name] = _rule_command(function)


_add_rule_commands()


def _exposure(**options: Any) -> None:
    """Report every way in from outside the cluster: load balancers, node ports, external IPs, host ports,
    Ingresses and Gateways, each followed to its workloads, with who can reach it."""
    from svclint.commands.exposure import produce

    _check_output(options["output"])
    progress = _progress(options["quiet"])
    try:
        produced = produce(options, progress)
    finally:
        if progress is not None:
            progress.finish()
    if not options["quiet"]:
        for warning in produced.warnings:
            click.echo(f"svclint: warning: {warning}", err=True)
    _write(produced.data, options["output"])
    for entry in produced.newly_exposed:
        if not options["quiet"]:
            click.echo(f"svclint: newly exposed ({entry.reach.level}): {entry.place}: {entry.target()}", err=True)
    sys.exit(EXIT_FINDINGS if produced.newly_exposed else EXIT_CLEAN)


def _exposure_command() -> click.Command:
    from svclint.commands.exposure import parameters

    return click.Command(
        "exposure",
        callback=_exposure,
        params=parameters(lint),
        help=_exposure.__doc__,
        short_help="Report every way in from outside the cluster.",
    )


def _add_exposure_command() -> None:
    assert isinstance(cli, _LazyGroup)
    cli.lazy["exposure"] = _exposure_command


_add_exposure_command()


def _option_that_names_a_file(args: Sequence[str]) -> str | None:
    """The first argument read as an option although a file of that name exists, if any.

    A hook or script that appends file names after its own options (pre-commit puts `args:` and then the
    files) without `--` lets a committed file named `--fail-on=never.yaml` or `--write-baseline=.yaml` act as an
    option and turn the run green. Such an argument is ambiguous, so it is refused instead of guessed.
    """
    for arg in args:
        if arg == "--":
            return None
        if arg.startswith("-") and arg != "-" and os.path.lexists(arg):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> None:
    if argv is None:  # the process entry (`svclint`, `python -m svclint`), not a caller's own process
        from svclint.run.startup import pause_collection, resume_collection

        pause_collection()
        try:
            _main(sys.argv[1:])
        finally:  # a run that stops before its start-up is over (a usage error, say) leaves collection as it was
            resume_collection()
    else:
        _main(list(argv))


def _main(args: list[str]) -> None:
    ambiguous = _option_that_names_a_file(args)
    if ambiguous is not None:
        shown = ambiguous.encode("unicode_escape").decode("ascii")
        fail(
            f"{shown!r} is read as an option, but a file of that name exists: put `--` before the files "
            "(in a pre-commit hook, end `args:` with `--`)"
        )
    try:
        cli.main(args=args, prog_name="svclint")
    except KeyboardInterrupt:
        click.echo("svclint: interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # the last line of defence: a one-line message, never a traceback
        if os.environ.get("SVCLINT_DEBUG"):
            raise
        click.echo(
            f"svclint: internal error: {type(err).__name__}: {err} "
            "(run again with SVCLINT_DEBUG=1 for details, and please report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
