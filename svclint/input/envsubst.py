"""envsubst placeholders: values that a file applied through `envsubst` fills in before kubectl sees them.

`${PORT:-9002}` and `${PORT-9002}` give the value the file gets when the variable is unset: svclint checks that
value in place of the placeholder. `$VAR` and `${VAR}` give nothing to check: findings about such a value are
dropped, the rest of the object is checked as usual, and the file gets one note naming the first placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct, field

from svclint.core.model import FieldPath, Finding, format_field_path
from svclint.input.document import Resource
from svclint.input.parsing.build import StructureProblem
from svclint.input.parsing.resolve import resolve_plain

# `${NAME}`, `${NAME:-default}`, `${NAME-default}` and `$NAME`, as GNU envsubst and the shells read them. A bare
# `$name` in lower case is left alone: Prometheus templates (`$labels`, `$value`) use those in annotations.
# Strings a container's shell or the kubelet expands at run time (`command: [sh, -c, "echo $HOME"]`), and the
# payload of ConfigMaps and Secrets: a `$VAR` there is the program's, not a placeholder filled in before apply.
_RUN_TIME_KEYS = frozenset({"command", "args", "env", "lifecycle", "data", "stringData"})

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Z_][A-Z0-9_]*)\b")


class Placeholders(Struct):
    """What the placeholders of one resource left unknown, and the first one met (for the note)."""

    unknown: list[str] = field(default_factory=list)  # dotted field paths whose values cannot be known
    first: tuple[FieldPath, str] | None = None

    def hides(self, finding: Finding) -> bool:
        dotted = finding.field_path or ""
        return any(dotted == path or dotted.startswith((path + ".", path + "[")) for path in self.unknown)


def fill_defaults(resource: Resource) -> Placeholders:
    """Replace placeholders that carry a default by the default, in place; note the values left unknown."""
    found = Placeholders()
    for path, text in list(_strings(resource.data, ())):
        if "$" not in text or _RUN_TIME_KEYS.intersection(str(part) for part in path):
            continue
        if _PLACEHOLDER.search(text) is None:
            continue
        match = _PLACEHOLDER.search(text)
        assert match is not None
        if found.first is None:
            found.first = (path, match.group(0))
        if any(m.group(2) is None for m in _PLACEHOLDER.finditer(text)):
            found.unknown.append(format_field_path(path))
            continue
        filled = _PLACEHOLDER.sub(lambda m: m.group(3), text)
        # A whole value that is one placeholder reads, once filled in, as the YAML scalar it becomes.
        value = resolve_plain(filled) if match.group(0) == text else filled
        _set(resource.data, path, value)
    return found


def placeholder_note(resource: Resource, found: Placeholders) -> StructureProblem | None:
    if found.first is None:
        return None
    path, placeholder = found.first
    return StructureProblem(
        "envsubst-placeholder",
        f"{placeholder} is an envsubst placeholder: this file is filled in before it is applied; svclint checks "
        "the defaults given as ${NAME:-default} and skips the values it cannot know",
        resource.locate(path),
        identity=f"envsubst:{resource.path}",
    )


def _strings(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _set(data: Any, path: FieldPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def without_hidden(findings: Iterable[Finding], found: Placeholders) -> list[Finding]:
    return [f for f in findings if not found.hides(f)]
