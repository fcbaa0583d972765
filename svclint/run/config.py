"""Configuration: `.svclint.yaml` (or `.svclint.yml`), or `[tool.svclint]` in pyproject.toml.

The nearest one from the working directory upward is used, unless `--config` names one. It is validated against
svclint/schemas/config.schema.json; a wrong key or value is a configuration error (exit 2) that names the file,
the line and the column. Command-line flags override it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from svclint import __version__
from svclint.core.bounded_read import FileReadError, describe_mode, read_regular_file
from svclint.core.errors import SvclintError
from svclint.core.model import FieldPath, Severity
from svclint.core.project import PACKAGE_DIR, is_inside, repository_root
from svclint.engine.params import parse_port_range
from svclint.firewall.settings import FirewallSettings, parse_network
from svclint.input.parsing.loader import LoadOptions, load_bytes
from svclint.k8s.versions import parse_kube_version

if TYPE_CHECKING:
    from svclint.core.cache import ValidationCache

CONFIG_FILES = (".svclint.yaml", ".svclint.yml")
_LIMIT = 1024 * 1024


class ConfigFileError(SvclintError):
    """A configuration file that cannot be used (exit 2): `path:line:col: what is wrong`."""


class ConfigFile(Struct, frozen=True):
    path: Path
    data: dict[str, Any]
    positions: Any  # (FieldPath, at_key) -> (line, column)

    def where(self, path: FieldPath, key: bool = False) -> str:
        line, column = self.positions(path, key)
        return f"{self.path}:{line}:{column}"


@cache
def config_schema() -> dict[str, Any]:
    from svclint.reporters.outputs import FORMATS

    text = (PACKAGE_DIR / "schemas" / "config.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    # The formats are the reporters' own list, not a copy kept in the schema file.
    schema["properties"]["format"]["enum"] = list(FORMATS)
    return schema


def find_config(start: Path) -> Path | None:
    """The nearest .svclint.yaml/.svclint.yml, or pyproject.toml with a [tool.svclint] table, from start up.

    The search ends at the repository's root, and never enters a folder someone else controls (another user's,
    or one others can write to, such as /tmp): a `/tmp/.svclint.yaml` planted there must not configure every
    run below it."""
    start = Path(os.path.abspath(start))
    root = repository_root(start)
    folders = [start, *start.parents]
    if root is not None:
        folders = folders[: folders.index(root) + 1]
    for folder in folders:
        if not _trusted_folder(folder):
            return None
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_svclint_table(pyproject):
            return pyproject
    return None


def _trusted_folder(folder: Path) -> bool:
    if not hasattr(os, "getuid"):  # no POSIX owners to compare (Windows)
        return True
    try:
        info = os.stat(folder)
    except OSError:
        return False
    # Group-writable folders are common (one group per user), so only a folder anyone can write to is refused.
    return info.st_uid in (os.getuid(), 0) and not info.st_mode & stat.S_IWOTH


def _has_svclint_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.svclint(\.|\])", text, re.MULTILINE) is not None


def load_config(path: Path, cache_store: ValidationCache | None = None) -> ConfigFile:
    try:
        raw = read_regular_file(path, _LIMIT, "configuration")
    except FileReadError as err:
        raise ConfigFileError(str(err)) from None
    config = _load_toml(path, raw) if path.suffix == ".toml" else _load_yaml(path, raw)
    import hashlib

    digest = hashlib.sha256(__version__.encode() + json.dumps(config_schema()).encode() + raw).hexdigest()
    if cache_store is None or not cache_store.seen(digest):
        _validate(config)
        if cache_store is not None:
            cache_store.add(digest)
            cache_store.save()
    return config


def _load_yaml(path: Path, raw: bytes) -> ConfigFile:
    loaded = load_bytes(str(path), raw, LoadOptions(max_file_bytes=_LIMIT, forbid_tags=True, objects=False))
    if loaded.problems:
        problem = loaded.problems[0]
        raise ConfigFileError(f"{path}:{problem.span.start_line}:{problem.span.start_col}: {problem.message}")
    if not loaded.documents:
        return ConfigFile(path, {}, lambda _path, _key: (1, 1))
    document = loaded.documents[0]
    if len(loaded.documents) > 1 or not isinstance(document.data, dict):
        raise ConfigFileError(f"{path}:1:1: the configuration must be one YAML mapping")

    def positions(field_path: FieldPath, key: bool) -> tuple[int, int]:
        span = (document.key_span(field_path) if key else None) or document.locate(field_path)
        return span.start_line, span.start_col

    return ConfigFile(path, document.data, positions)


def _load_toml(path: Path, raw: bytes) -> ConfigFile:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    text = raw.decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigFileError(f"{path}: {err}") from None
    table = data.get("tool", {}).get("svclint", {})
    if not isinstance(table, dict):
        raise ConfigFileError(f"{path}: [tool.svclint] must be a table")
    return ConfigFile(path, table, lambda field_path, _key: _toml_position(text, field_path))


def _toml_position(text: str, path: FieldPath) -> tuple[int, int]:
    """The line of a key of [tool.svclint] (or of a sub-table like [tool.svclint.firewall]); TOML parsers keep
    no positions, so svclint finds the key's line in the text. Falls back to the table's header."""
    keys = [str(p) for p in path if isinstance(p, str)]
    header = re.compile(r"^\s*\[\s*tool\.svclint((?:\.[A-Za-z0-9_-]+)*)\s*\]")
    table: list[str] | None = None
    fallback = (1, 1)
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            table = [part for part in match.group(1).split(".") if part]
            if table == keys[: len(table)] and fallback == (1, 1):
                fallback = (number, 1)
            continue
        if line.lstrip().startswith("["):
            table = None
            continue
        if table is None:
            continue
        rest = keys[len(table) :]
        if keys[: len(table)] == table and rest:
            key = re.match(r"^\s*[\"']?([A-Za-z0-9_-]+)[\"']?\s*=", line)
            if key and key.group(1) == rest[0]:
                return number, line.index(key.group(1)) + 1
    return fallback


def _validate(config: ConfigFile) -> None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    errors = list(Draft202012Validator(config_schema()).iter_errors(config.data))
    if errors:
        error = best_match(errors)
        path = tuple(error.absolute_path)
        where = ".".join(str(p) for p in path)
        message = error.message
        at_key = False
        if error.validator == "additionalProperties":
            message = _unknown_key(error)
            unknown = _unknown_keys(error)
            if unknown:
                path, at_key = (*path, unknown[0]), True
        prefix = f"{where}: " if where else ""
        raise ConfigFileError(f"{config.where(path, at_key)}: {prefix}{message}")
    if "kube-version" in config.data and "kubeVersion" in config.data:
        raise ConfigFileError(
            f"{config.where(('kubeVersion',), True)}: kubeVersion: give kube-version or kubeVersion, not both"
        )
    checks = (
        ("node-port-range", parse_port_range),
        ("kube-version", parse_kube_version),
        ("kubeVersion", parse_kube_version),
    )
    for key, parse in checks:
        if key in config.data:
            try:
                parse(str(config.data[key]))
            except ValueError as err:
                raise ConfigFileError(f"{config.where((key,))}: {key}: {err}") from None
    for index, cidr in enumerate(config.data.get("firewall", {}).get("client-ranges", [])):
        try:
            parse_network(cidr)
        except ValueError as err:
            raise ConfigFileError(f"{config.where(('firewall', 'client-ranges', index))}: {err}") from None


def _unknown_keys(error: Any) -> list[str]:
    allowed = error.schema.get("properties", {})
    return [key for key in error.instance if key not in allowed]


def _unknown_key(error: Any) -> str:
    unknown = _unknown_keys(error)
    allowed = ", ".join(sorted(error.schema.get("properties", {})))
    return f"unknown key {unknown[0]!r} (known keys: {allowed})" if unknown else error.message


# The paths a configuration names, by key, and what each must be when it exists.
_PATH_KEYS: tuple[tuple[FieldPath, str], ...] = (
    (("rules",), "folder"),
    (("context",), "file or folder"),
    (("baseline",), "file"),
    (("firewall", "rules-files"), "file"),
)


def check_config_paths(config: ConfigFile) -> None:
    """The configuration comes with the repository, so the paths it names stay inside the project (its
    repository, or the configuration's folder outside any repository), and are what they are named as: a
    `baseline: /dev/zero` or a context FIFO is refused here. --allow-outside-project lifts the first check."""
    base = config.path.parent
    project = repository_root(base) or base
    real_project = os.path.realpath(project)
    for where, value in _configured_paths(config.data):
        target = os.path.realpath(base / value)
        if not is_inside(target, real_project):
            raise ConfigFileError(
                f"{config.where(where)}: {value} is outside the project ({project}); "
                "pass --allow-outside-project to read it"
            )


def check_config_path_kinds(config: ConfigFile) -> None:
    base = config.path.parent
    for where, value in _configured_paths(config.data):
        expected = dict(_PATH_KEYS)[tuple(p for p in where if isinstance(p, str))]
        try:
            mode = os.stat(base / value).st_mode
        except OSError:
            continue  # a missing path is reported where it is read, as it is without a configuration
        if (stat.S_ISREG(mode) and "file" in expected) or (stat.S_ISDIR(mode) and "folder" in expected):
            continue
        found = "a folder" if stat.S_ISDIR(mode) else describe_mode(mode)
        raise ConfigFileError(f"{config.where(where)}: {value} must be a {expected}, not {found}")


def _configured_paths(data: Mapping[str, Any]) -> list[tuple[FieldPath, str]]:
    found: list[tuple[FieldPath, str]] = []
    for key_path, _ in _PATH_KEYS:
        value: Any = data
        for key in key_path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str):
            found.append((key_path, value))
        elif isinstance(value, list):
            found.extend(((*key_path, index), str(item)) for index, item in enumerate(value))
    return found


def _clusters(value: Mapping[str, Any], base: Path) -> dict[str, tuple[str, ...]]:
    return {
        str(name): tuple(os.path.abspath(base / str(folder)) for folder in folders) for name, folders in value.items()
    }


# Each configuration key, the LintSettings field it sets and how its value becomes the setting, given the folder
# that relative paths are relative to. In this order: the first bad value is the one reported.
_SETTINGS: tuple[tuple[str, str, Callable[[Any, Path], Any]], ...] = (
    ("node-port-range", "node_port_range", lambda value, base: parse_port_range(str(value))),
    ("kube-version", "kube_version", lambda value, base: parse_kube_version(str(value))),
    # The flag's name in camel case, as a second spelling.
    ("kubeVersion", "kube_version", lambda value, base: parse_kube_version(str(value))),
    ("enable", "enable", lambda value, base: tuple(value)),
    ("disable", "disable", lambda value, base: tuple(value)),
    ("exclude", "excludes", lambda value, base: tuple(value)),
    ("severity", "severities", lambda value, base: {rule: Severity.parse(level) for rule, level in value.items()}),
    ("rules", "rule_dirs", lambda value, base: tuple(base / str(directory) for directory in value)),
    ("context", "context", lambda value, base: tuple(str(base / str(path)) for path in value)),
    ("force-exclude", "force_exclude", lambda value, base: bool(value)),
    ("respect-gitignore", "respect_gitignore", lambda value, base: bool(value)),
    ("clusters", "clusters", _clusters),
    ("kustomize-mode", "kustomize_mode", lambda value, base: str(value)),
    ("max-file-size", "max_file_bytes", lambda value, base: int(value) * 1024 * 1024),
)


def settings_from_mapping(config: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """Keyword arguments for LintSettings from a configuration mapping. Relative paths are relative to `base`."""
    out = {target: convert(config[key], base) for key, target, convert in _SETTINGS if key in config}
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
