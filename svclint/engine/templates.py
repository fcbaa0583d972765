"""`{{name}}` placeholders in messages and function options. Dotted names only: no logic, no eval."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
_WHOLE = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$")


class MissingVariable(KeyError):
    pass


def lookup(variables: Mapping[str, Any], dotted: str) -> Any:
    node: Any = variables
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            raise MissingVariable(dotted)
        node = node[part]
    return node


def render(template: str, variables: Mapping[str, Any]) -> str:
    def substitute(match: re.Match[str]) -> str:
        try:
            return display(lookup(variables, match.group(1)))
        except MissingVariable:
            return match.group(0)

    return PLACEHOLDER.sub(substitute, template)


def display(value: Any) -> str:
    """How a value reads in a message: YAML spellings, lists joined with commas."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(display(item) for item in value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {display(v)}" for k, v in value.items()) + "}"
    return str(value)


def substitute_options(options: Any, variables: Mapping[str, Any]) -> Any:
    """Fill `{{params...}}` in function options; a placeholder that is the whole string keeps its type."""
    if isinstance(options, str):
        whole = _WHOLE.match(options)
        if whole:
            return lookup(variables, whole.group(1))
        return render(options, variables)
    if isinstance(options, list):
        return [substitute_options(item, variables) for item in options]
    if isinstance(options, dict):
        return {key: substitute_options(value, variables) for key, value in options.items()}
    return options


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)
