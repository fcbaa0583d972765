"""Configuration: `.svclint.yaml` or `[tool.svclint]` in pyproject.toml, merged under the command line's flags."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from svclint.engine.params import parse_port_range
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
    return out
