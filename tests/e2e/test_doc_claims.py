"""What the documentation, the rule texts and the package metadata promise holds: configuration keys they name
exist, the README's links work on PyPI, the licence the metadata names is the one in LICENSE."""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from conftest import REPO, builtin_rules
from svclint.run.config import config_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# "`node-port-range` in the configuration", "`firewall.require: true` in the configuration"
_CONFIG_MENTION = re.compile(r"`([^`]+)`\)?\s+in\s+(?:the|your)\s+configuration")


def _config_keys(schema: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, sub in schema.get("properties", {}).items():
        keys.add(prefix + key)
        keys |= _config_keys(sub, f"{prefix}{key}.")
    return keys


def _texts() -> list[tuple[str, str]]:
    texts = [(f"{rule.id} ({rule.origin})", f"{rule.description}\n{rule.remediation}") for rule in builtin_rules()]
    texts += [(str(page.relative_to(REPO)), page.read_text()) for page in [REPO / "README.md", *REPO.glob("docs/*.md")]]
    return texts


def test_configuration_keys_named_in_rules_and_docs_exist() -> None:
    known = _config_keys(config_schema())
    wrong = []
    for where, text in _texts():
        for mention in _CONFIG_MENTION.findall(" ".join(text.split())):
            key = mention.split(":")[0].strip()
            if key not in known and not key.startswith("--"):
                wrong.append(f"{where}: `{mention}`")
    assert not wrong, f"not configuration keys (known: {sorted(known)}): {wrong}"


def _pyproject() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads((REPO / "pyproject.toml").read_text())
    return data


def test_license_file_holds_the_license_the_metadata_names() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text


def test_metadata_for_pypi() -> None:
    project = _pyproject()["project"]
    classifiers = project["classifiers"]
    assert any(c.startswith("Development Status ::") for c in classifiers)
    minimum = re.fullmatch(r">=3\.(\d+)", project["requires-python"])
    assert minimum is not None
    for minor in range(int(minimum.group(1)), sys.version_info.minor + 1):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    assert {"Homepage", "Documentation", "Repository", "Issues"} <= set(project["urls"])
    # The private `_ruamel_yaml` module of ruamel.yaml.clib may change in any release: the dependency is bounded.
    (clib,) = [d for d in project["dependencies"] if d.startswith("ruamel.yaml.clib")]
    assert ",<" in clib


@pytest.mark.parametrize("page", ["README.md"])
def test_readme_links_work_on_pypi(page: str) -> None:
    """PyPI renders the README away from the repository: a relative link there leads nowhere."""
    text = (REPO / page).read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert targets, "the README links to the documentation"
    relative = [t for t in targets if not t.startswith(("https://", "http://", "#"))]
    assert not relative, f"relative links in {page}: {relative}"


def test_install_instructions_name_a_source_that_exists() -> None:
    """No release is published yet: `pip install svclint` and `rev: v0.1.0` would fail for a reader today."""
    wrong = []
    for where, text in _texts():
        wrong += [f"{where}: {m}" for m in re.findall(r"pip install svclint\b(?![-\w])", text)]
        wrong += [f"{where}: {m}" for m in re.findall(r"rev: v\d[\w.]*", text)]
    assert not wrong, wrong


@pytest.mark.parametrize("command", ["rules", "explain", "check-rules"])
def test_rule_command_options_are_documented(command: str) -> None:
    import click

    from svclint.cli import cli

    usage = (REPO / "docs" / "usage.md").read_text()
    assert f"## `svclint {command}" in usage or f"`svclint {command}`" in usage
    made = cli.get_command(click.Context(cli), command)
    assert made is not None
    for param in made.params:
        for option in getattr(param, "opts", []):
            if option.startswith("-") and option not in ("-h", "--help"):
                assert f"`{option}" in usage or f"[{option}" in usage, f"{command} {option} is not in docs/usage.md"
