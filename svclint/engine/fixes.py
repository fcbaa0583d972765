"""The `fix:` of a rule: what a finding's field becomes, as data. Applying it to a file is svclint.fix's job.

A rule declares one action and whether it is safe:

- `set: VALUE` writes VALUE in place of the field's scalar; `{{placeholders}}` take the finding's variables, and
  a placeholder that is the whole value keeps its type (`set: "{{integer}}"` writes a number). When a
  placeholder has no value for a finding, that finding has no fix.
- `caseOf: [A, B]` writes the listed value the field equals when case is ignored (`tcp` -> `TCP`).
- `unquote: true` writes a quoted whole number as a number (`"8080"` -> `8080`).
- `remove: true` takes the field (key and value) out of its mapping.
- `function: NAME` (with `functionOptions`) derives the change from the object (see FIX_FUNCTIONS).

A fix is proposed only when it is certain for this finding: a value that matches no case of the list, or a
derived name another port already has, gets no fix rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct

from svclint.core.model import FieldEdit, FieldPath, Fix, format_field_path
from svclint.engine.templates import MissingVariable, render, substitute_options
from svclint.input.document import get_in

ACTIONS = ("set", "caseOf", "unquote", "remove", "function")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")
_INT32_MAX = 2**31 - 1

# What a fix function gets: the object's data, the field's path in it, its value, and the function's options.
FixFunction = Callable[[Mapping[str, Any], FieldPath, Any, Mapping[str, Any]], "FieldEdit | None"]


class FixDeclarationError(ValueError):
    """A `fix:` that cannot work (an unknown function, options its schema refuses)."""


class FixSpec(Struct, frozen=True):
    """A rule's `fix:`, compiled once when the rule loads."""

    safe: bool
    action: str
    argument: Any
    title: str = ""

    @property
    def declaration(self) -> str:
        """The action as the rule file writes it (for the docs)."""
        if self.action == "function":
            name, options = self.argument
            return json.dumps({"function": name, **({"functionOptions": options} if options else {})})
        return json.dumps({self.action: self.argument})

    def propose(
        self, data: Mapping[str, Any], path: FieldPath, value: Any, variables: Mapping[str, Any]
    ) -> tuple[str, FieldEdit] | None:
        """The edit that fixes the field at `path` (inside the object `data`) and its title, or None."""
        edit = self._edit(data, path, value, variables)
        if edit is None:
            return None
        title = render(self.title, {**variables, "fixed": edit.new}) if self.title else _default_title(edit)
        return title, edit

    def _edit(
        self, data: Mapping[str, Any], path: FieldPath, value: Any, variables: Mapping[str, Any]
    ) -> FieldEdit | None:
        if self.action == "function":
            name, options = self.argument
            return FIX_FUNCTIONS[name][0](data, path, value, options)
        if not _is_scalar(value):
            return None  # absent, or a collection: nothing these actions can rewrite in place
        if self.action == "remove":
            return FieldEdit("remove", path, old=value)
        new = self._new_value(value, variables)
        if new is None or not _is_scalar(new) or (new == value and type(new) is type(value)):
            return None
        return FieldEdit("replace", path, old=value, new=new)

    def _new_value(self, value: Any, variables: Mapping[str, Any]) -> Any:
        if self.action == "set":
            try:
                return substitute_options(self.argument, variables)
            except MissingVariable:
                return None
        if self.action == "caseOf":
            if not isinstance(value, str):
                return None
            matches = [item for item in self.argument if item.lower() == value.lower()]
            return matches[0] if len(matches) == 1 else None
        # unquote
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value) and int(value) <= _INT32_MAX:
            return int(value)
        return None


def compile_fix(declaration: Mapping[str, Any] | None) -> FixSpec | None:
    """The rule's `fix:` (valid against the rule schema, its options checked by `check_fix`), compiled."""
    if declaration is None:
        return None
    safe = declaration["safety"] == "safe"
    title = str(declaration.get("title", ""))
    action = next(name for name in ACTIONS if name in declaration)
    argument = declaration[action]
    if action == "function":
        _fix_function(argument)
        argument = (argument, declaration.get("functionOptions", {}))
    return FixSpec(safe=safe, action=action, argument=argument, title=title)


def check_fix(declaration: Mapping[str, Any] | None) -> None:
    """The options of a fix function, against its schema: checked when a rule file is validated, so that the
    bundle of built-in rules (validated when it was written) loads without jsonschema."""
    if declaration is None or "function" not in declaration:
        return
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    name = declaration["function"]
    schema = _fix_function(name)[1]
    error = best_match(Draft202012Validator(schema).iter_errors(declaration.get("functionOptions", {})))
    if error is not None:
        raise FixDeclarationError(f"options of fix function {name}: {error.message}")


def _fix_function(name: str) -> tuple[FixFunction, dict[str, Any]]:
    entry = FIX_FUNCTIONS.get(name)
    if entry is None:
        raise FixDeclarationError(f"unknown fix function {name!r} (known: {', '.join(sorted(FIX_FUNCTIONS))})")
    return entry


def build_fix(spec: FixSpec, document: int, prefix: FieldPath, proposal: tuple[str, FieldEdit]) -> Fix:
    """The finding's Fix, with the edit's path counted from the document's root (a `kind: List` item has one)."""
    title, edit = proposal
    rooted = FieldEdit(edit.action, (*prefix, *edit.path), edit.old, edit.new, edit.key)
    return Fix(title=title, safe=spec.safe, document=document, edits=(rooted,))


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def _default_title(edit: FieldEdit) -> str:
    where = format_field_path(edit.path)
    if edit.action == "remove":
        return f"Remove {where}"
    if edit.action == "add":
        return f"Add {edit.key}: {_shown(edit.new)} to {where}"
    return f"Replace {_shown(edit.old)} with {_shown(edit.new)}"


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


_PROTOCOLS = ("TCP", "UDP", "SCTP")


def derived_port_name(
    data: Mapping[str, Any], path: FieldPath, value: Any, options: Mapping[str, Any]
) -> FieldEdit | None:
    """`name` for a port without one: its protocol and number (`tcp-80`), when no other port of the Service has or
    would get that name. A port whose number or protocol is not a plain value gets no name."""
    ports_path, key = path[:-2], path[-1]
    ports = get_in(data, ports_path)
    if not isinstance(ports, list) or not isinstance(path[-2], int) or key != "name":
        return None
    names: list[str] = []
    for port in ports:
        name = port.get("name") if isinstance(port, dict) else None
        names.append(name if isinstance(name, str) and name else (_derive(port) or ""))
    own = names[path[-2]]
    if not own or names.count(own) > 1:
        return None
    return FieldEdit("add", path[:-1], old=None, new=own, key="name")


def _derive(port: Any) -> str | None:
    if not isinstance(port, dict):
        return None
    number = port.get("port")
    protocol = port.get("protocol", "TCP")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        return None
    if not isinstance(protocol, str) or protocol.upper() not in _PROTOCOLS:
        return None
    return f"{protocol.lower()}-{number}"


_NO_OPTIONS: dict[str, Any] = {"type": "object", "additionalProperties": False}

# Fix functions by name, with the JSON Schema of their options.
FIX_FUNCTIONS: dict[str, tuple[FixFunction, dict[str, Any]]] = {
    "derivedPortName": (derived_port_name, _NO_OPTIONS),
}
