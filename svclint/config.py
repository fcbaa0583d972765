"""Configuration: `.svclint.yaml` or `[tool.svclint]` in pyproject.toml, merged under the command line's flags."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from svclint.engine.params import parse_port_range
from svclint.firewall.model import FirewallSettings, parse_network
from svclint.model import Severity


class ConfigFileError(Exception):
    """A configuration value that cannot be used (exit 2); the message names the file and place."""


def settings_from_mapping(config: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Keyword arguments for LintSettings from a configuration mapping. Relative paths are relative to `base`."""
    out: dict[str, Any] = {}
    if "node-port-range" in config:
        out["node_port_range"] = parse_port_range(str(config["node-port-range"]))
    for key, target in (("enable", "enable"), ("disable", "disable"), ("exclude", "excludes")):
        if key in config:
            out[target] = tuple(config[key])
    if "severity" in config:
        out["severities"] = {rule: Severity.parse(level) for rule, level in config["severity"].items()}
    if "rules" in config:
        out["rule_dirs"] = tuple(base / str(directory) for directory in config["rules"])
    if "context" in config:
        out["context"] = tuple(str(base / str(path)) for path in config["context"])
    if "max-file-size" in config:
        out["max_file_bytes"] = int(config["max-file-size"]) * 1024 * 1024
    firewall = config.get("firewall")
    if isinstance(firewall, dict):
        out.update(firewall_settings(firewall, base))
    return out


def firewall_settings(firewall: Mapping[str, Any], base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "require" in firewall:
        out["require_firewall"] = bool(firewall["require"])
    if "rules-files" in firewall:
        out["firewall_files"] = tuple(str(base / str(p)) for p in firewall["rules-files"])
    out["firewall"] = FirewallSettings(
        network=firewall.get("network"),
        node_tags=frozenset(firewall.get("node-tags", ())),
        node_accounts=frozenset(firewall.get("node-service-accounts", ())),
        security_groups=frozenset(firewall.get("security-groups", ())),
        client_ranges=tuple(parse_network(c) for c in firewall.get("client-ranges", ())),
    )
    return out
