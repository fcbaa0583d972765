"""What a run does: the command line's options over the configuration file's, over the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from svclint.engine.params import parse_port_range
from svclint.engine.ruleset import Rule
from svclint.firewall.settings import FirewallSettings, parse_network
from svclint.k8s.versions import parse_kube_version
from svclint.run.config import (
    ConfigFile,
    check_config_path_kinds,
    check_config_paths,
    find_config,
    load_config,
    settings_from_mapping,
)
from svclint.run.settings import ConfigError, LintSettings


class CommandLine(Struct):
    """The options given to `svclint lint`; None (or empty) where the user gave nothing."""

    paths: tuple[str, ...]
    output_format: tuple[str, ...] = ()  # FORMAT or FORMAT:FILE, repeatable (outputs.py)
    output: str | None = None
    quiet: bool = False
    color: str = "auto"
    show_source: bool | None = None
    statistics: bool = False
    sarif_omit_suppressed: bool | None = None
    node_port_range: str | None = None
    kube_version: str | None = None
    fail_on: str | None = None
    rule_dirs: tuple[Path, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    stdin_filename: str | None = None
    context: tuple[str, ...] = ()
    require_firewall: bool | None = None
    firewall_files: tuple[str, ...] = ()
    client_ranges: tuple[str, ...] = ()
    firewall_network: str | None = None
    node_tags: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    max_file_size: int | None = None
    no_cache: bool = False
    jobs: int = 0
    config: Path | None = None
    no_config: bool = False
    show_suppressed: bool | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    allow_outside_project: bool = False
    kustomize_mode: str | None = None
    force_exclude: bool | None = None
    respect_gitignore: bool | None = None


class Resolved(Struct):
    """The run's settings and the command's own choices (format, fail level), with what did nothing."""

    settings: LintSettings
    fail_on: str = "error"
    output_format: str = "text"  # the configuration's format: what a run without -f reports in
    show_suppressed: bool = False
    config: ConfigFile | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # settings that do nothing, for stderr


def resolve(cli: CommandLine, cwd: Path) -> Resolved:
    config = _config_file(cli, cwd)
    data = config.data if config is not None else {}
    base = config.path.parent if config is not None else cwd
    settings = LintSettings(paths=cli.paths, use_cache=not cli.no_cache, **settings_from_mapping(data, base))
    changes = _flag_changes(cli, settings)
    warnings = _firewall_requirement(cli, data, settings, changes)
    changes["firewall"] = _firewall(settings.firewall, cli)
    baseline = cli.baseline
    if baseline is None and "baseline" in data and cli.write_baseline is None:
        baseline = base / str(data["baseline"])
    changes["baseline"] = baseline
    return Resolved(
        settings=replace(settings, **changes),
        fail_on=cli.fail_on or data.get("fail-on", "error"),
        output_format=data.get("format", "text"),
        show_suppressed=cli.show_suppressed if cli.show_suppressed is not None else data.get("show-suppressed", False),
        config=config,
        warnings=warnings,
    )


def _config_file(cli: CommandLine, cwd: Path) -> ConfigFile | None:
    """The configuration file the command line names, or the nearest one (none with --no-config), checked."""
    found = cli.config if cli.config is not None else None if cli.no_config else find_config(cwd)
    if found is None:
        return None
    # The validation cache (and what it imports) only for runs with a configuration file to check.
    from svclint.core.cache import ValidationCache, default_cache_dir

    config = load_config(found, ValidationCache(default_cache_dir()) if not cli.no_cache else None)
    if not cli.allow_outside_project:
        check_config_paths(config)
    check_config_path_kinds(config)
    return config


def _flag_changes(cli: CommandLine, settings: LintSettings) -> dict[str, Any]:
    """The settings the command line's flags change or add to (firewall and baseline aside)."""
    changes: dict[str, Any] = {
        "stdin_filename": cli.stdin_filename,
        "jobs": cli.jobs,
        "allow_outside_project": cli.allow_outside_project,
    }
    if cli.node_port_range is not None:
        changes["node_port_range"] = parse_port_range(cli.node_port_range)
    if cli.kube_version is not None:
        changes["kube_version"] = parse_kube_version(cli.kube_version)
    if cli.max_file_size is not None:
        changes["max_file_bytes"] = cli.max_file_size * 1024 * 1024
    changes["rule_dirs"] = (*settings.rule_dirs, *cli.rule_dirs)
    changes["context"] = (*settings.context, *cli.context)
    changes["switches"] = (*((r, True) for r in cli.enable), *((r, False) for r in cli.disable))
    if cli.stdin_filename is not None and "-" not in cli.paths:
        raise ConfigError("--stdin-filename names input read from '-', and '-' is not among the paths")
    for name in ("force_exclude", "respect_gitignore", "kustomize_mode"):
        if getattr(cli, name) is not None:
            changes[name] = getattr(cli, name)
    changes["firewall_files"] = (*settings.firewall_files, *cli.firewall_files)
    return changes


def _firewall_requirement(
    cli: CommandLine, data: Mapping[str, Any], settings: LintSettings, changes: dict[str, Any]
) -> list[str]:
    """Whether firewall coverage is required (into `changes`); the warnings to show about it."""
    if cli.require_firewall is not None:
        changes["require_firewall"] = cli.require_firewall
    elif changes["firewall_files"]:
        # Firewall rules given to svclint are rules to check against: reading them and checking nothing
        # would be an option that silently does nothing. An explicit `require: false` still wins.
        if "require" not in data.get("firewall", {}):
            changes["require_firewall"] = True
        elif not settings.require_firewall:
            return ["firewall rules are read but not checked: the configuration says firewall.require: false"]
    return []


def _firewall(configured: FirewallSettings, cli: CommandLine) -> FirewallSettings:
    try:
        clients = tuple(parse_network(c) for c in cli.client_ranges)
    except ValueError as err:
        raise ConfigError(f"--firewall-client-range: {err}") from None
    return FirewallSettings(
        network=cli.firewall_network or configured.network,
        node_tags=frozenset(cli.node_tags) or configured.node_tags,
        node_accounts=configured.node_accounts,
        security_groups=frozenset(cli.security_groups) or configured.security_groups,
        client_ranges=clients or configured.client_ranges,
    )


def check_rule_names(config: ConfigFile | None, rules: list[Rule]) -> None:
    """Rules named in the configuration must exist: the error points at the name in the file."""
    if config is None:
        return
    known = {key for rule in rules for key in (rule.id, rule.name)}
    for key in ("enable", "disable"):
        for index, name in enumerate(config.data.get(key, [])):
            if name not in known:
                raise ConfigError(f"{config.where((key, index))}: unknown rule {name!r} (see `svclint rules`)")
    for name in config.data.get("severity", {}):
        if name not in known:
            where = config.where(("severity", name), key=True)
            raise ConfigError(f"{where}: unknown rule {name!r} (see `svclint rules`)")
