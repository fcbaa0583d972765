"""Rule files: read, validated against the shipped schema, compiled once.

A rule file that is wrong is a configuration error (exit 2) that names the file, the line, the column and what
is wrong. Validation results are cached by content hash (see cache.py): jsonschema runs only for files that
changed since they last passed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from svclint import __version__
from svclint.core.bounded_read import FileReadError, read_regular_file
from svclint.core.errors import SvclintError
from svclint.core.model import FieldPath, Severity, Span
from svclint.core.project import PACKAGE_DIR
from svclint.engine.api import AnyCheckFunction, CheckFunctions, OptionError
from svclint.engine.bundlefile import listed_files
from svclint.engine.conditions import Condition, compile_conditions
from svclint.engine.fixes import FIX_FUNCTIONS, FixDeclarationError, FixSpec, check_fix, compile_fix
from svclint.engine.params import Params
from svclint.engine.selectors import Selector, SelectorError, compile_selector
from svclint.engine.templates import MissingVariable, lookup, placeholders, substitute_options
from svclint.input.document import Document
from svclint.input.parsing.loader import LoadOptions, load_bytes

if TYPE_CHECKING:
    from svclint.core.cache import ValidationCache

BASE_VARIABLES = frozenset({"value", "path", "field", "kind", "name", "namespace", "resource"})
_RULE_FILE_LIMIT = 1024 * 1024


class RuleError(SvclintError):
    """One or more problems in rule files, each `path:line:col: message`."""

    label = "rule error"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)

    def messages(self) -> list[str]:
        return self.problems


class Rule(Struct, frozen=True):
    id: str
    name: str
    title: str
    severity: Severity
    enabled: bool
    description: str
    remediation: str
    message: str
    source: str = ""
    tags: tuple[str, ...] = ()
    security_severity: float | None = None
    help_uri: str | None = None
    producer: str | None = None
    kinds: frozenset[str] | None = None
    api_versions: frozenset[str] | None = None
    conditions: tuple[Condition, ...] = ()
    when: tuple[Any, ...] = ()  # the conditions as written, for the docs
    selectors: tuple[Selector, ...] = ()
    then_field: tuple[str, ...] = ()
    function: AnyCheckFunction | None = None
    options: dict[str, Any] = field(default_factory=dict)
    fix: FixSpec | None = None
    examples: dict[str, list[Any]] = field(default_factory=dict)
    origin: str = ""
    builtin: bool = False

    @property
    def needs_inventory(self) -> bool:
        return self.function is not None and self.function.needs_inventory


def rule_files(directory: Path) -> list[Path]:
    return listed_files(directory, (".yaml", ".yml"))


def builtin_rules_dir() -> Path:
    """The rules shipped in the wheel, or the repository's rules/ when running from a source tree."""
    packaged = PACKAGE_DIR / "builtin_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "rules"


@cache
def rule_schema() -> dict[str, Any]:
    text = (PACKAGE_DIR / "schemas" / "rule.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validation_schemas(functions: CheckFunctions) -> bytes:
    """Everything a rule file is validated against: the rule schema, and the options schemas of the check and
    fix functions. Validated rules are remembered (cache, bundle) only as long as these stay the same."""
    check = {name: functions[name].options_schema for name in functions}
    fix = {name: schema for name, (_, schema) in FIX_FUNCTIONS.items()}
    return json.dumps([rule_schema(), check, fix], sort_keys=True).encode()


def schema_digest(functions: CheckFunctions) -> str:
    """What the bundle of built-in rules was validated against (see bundle.py)."""
    import hashlib

    return hashlib.sha256(validation_schemas(functions)).hexdigest()


def _cache_fingerprint(functions: CheckFunctions) -> str:
    """A rule file validated once stays valid until the schemas or svclint itself change."""
    import hashlib

    return hashlib.sha256(__version__.encode() + validation_schemas(functions)).hexdigest()


def load_rules(
    directories: Sequence[Path],
    functions: CheckFunctions,
    cache_store: ValidationCache | None = None,
    builtin: Path | None = None,
    preloaded: Sequence[Rule] = (),
) -> list[Rule]:
    """Load every `*.yaml`/`*.yml` rule of the directories in order, after `preloaded` (the built-in rules of
    the bundle); ids and names must be unique. `functions` are the check functions rules may name."""
    fingerprint = _cache_fingerprint(functions) if directories else ""
    rules: list[Rule] = list(preloaded)
    problems: list[str] = []
    builtin_dir = (builtin or builtin_rules_dir()).resolve()
    for directory in directories:
        if not directory.is_dir():
            problems.append(f"{directory}: rule directory not found")
            continue
        is_builtin = directory.resolve() == builtin_dir
        for path in rule_files(directory):
            try:
                rules.append(load_rule_file(path, functions, cache_store, fingerprint, is_builtin))
            except RuleError as err:
                problems.extend(err.problems)
    problems.extend(_duplicates(rules))
    if problems:
        raise RuleError(problems)
    if cache_store is not None:
        cache_store.save()
    return rules


def _duplicates(rules: Iterable[Rule]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen and seen[key] != rule.origin:
                problems.append(f"{rule.origin}:1:1: rule {key!r} is already defined in {seen[key]}")
            seen.setdefault(key, rule.origin)
    return problems


def load_rule_file(
    path: Path,
    functions: CheckFunctions,
    cache_store: ValidationCache | None = None,
    fingerprint: str = "",
    builtin: bool = False,
) -> Rule:
    import hashlib

    raw = _read(path)
    display = str(path)
    digest = hashlib.sha256(fingerprint.encode() + raw).hexdigest()
    if cache_store is not None and cache_store.seen(digest):
        data = cache_store.parsed(digest)
        if isinstance(data, dict):
            with contextlib.suppress(Exception):  # a damaged entry (hand-edited cache): read the file below
                return _compile(Document(display, 0, data, {}), builtin, functions)
    document = _parse(display, raw)
    if cache_store is None or not cache_store.seen(digest):
        _validate(document, functions)
    rule = _compile(document, builtin, functions)
    if cache_store is not None:
        cache_store.add(digest)
        cache_store.remember(digest, document.data)
    return rule


def read_rule_document(path: Path, functions: CheckFunctions) -> Document:
    """A rule file parsed and validated: what the bundle of built-in rules keeps (see bundle.py)."""
    document = _parse(str(path), _read(path))
    _validate(document, functions)
    return document


def compile_rule_data(origin: str, data: dict[str, Any], builtin: bool, functions: CheckFunctions) -> Rule:
    """A rule from data that passed validation (the bundle's)."""
    return _compile(Document(origin, 0, data, {}), builtin, functions)


def _read(path: Path) -> bytes:
    try:
        return read_regular_file(path, _RULE_FILE_LIMIT, "rule file")
    except FileReadError as err:
        raise RuleError([str(err)]) from None


def _parse(display: str, raw: bytes) -> Document:
    loaded = load_bytes(display, raw, LoadOptions(max_file_bytes=_RULE_FILE_LIMIT, forbid_tags=True, objects=False))
    if loaded.problems:
        raise RuleError([f"{display}:{p.span.start_line}:{p.span.start_col}: {p.message}" for p in loaded.problems])
    if len(loaded.documents) != 1 or not isinstance(loaded.documents[0].data, dict):
        raise RuleError([f"{display}:1:1: a rule file holds exactly one YAML mapping"])
    return loaded.documents[0]


_MESSAGE_LIMIT = 400


def _error_at(document: Document, path: FieldPath, message: str) -> str:
    span: Span = document.locate(path)
    if len(message) > _MESSAGE_LIMIT:  # jsonschema quotes the whole offending value, which may be huge
        message = f"{message[: _MESSAGE_LIMIT - 100]} [...] {message[-80:]}"
    return f"{document.path}:{span.start_line}:{span.start_col}: {message}"


def _validate(document: Document, functions: CheckFunctions) -> None:
    """A rule file's data against the rule schema, its function's options against the function's schema, and
    its message's placeholders against what the function provides: a RuleError at the first problem."""
    from jsonschema import Draft202012Validator

    data = document.data
    _raise_first(document, (), "", Draft202012Validator(rule_schema()).iter_errors(data))
    try:
        check_fix(data.get("fix"))
    except FixDeclarationError as err:
        raise RuleError([_error_at(document, ("fix",), str(err))]) from None
    then = data.get("then")
    if not isinstance(then, dict):
        return
    function = functions.get(then["function"])
    if function is None:
        known = ", ".join(sorted(functions))
        raise RuleError(
            [_error_at(document, ("then", "function"), f"unknown function {then['function']!r} (known: {known})")]
        )
    from svclint.engine.option_shapes import function_shape_errors  # only rule files being validated need it

    shape_errors = function_shape_errors(function.implementation())
    if shape_errors:  # the function's code and its schema disagree: no rule can use it safely
        message = f"function {function.name} is inconsistent: " + "; ".join(shape_errors)
        raise RuleError([_error_at(document, ("then", "function"), message)])
    params = {"params": Params().variables()}
    _check_options(document, function, then.get("functionOptions", {}), params)
    _check_message(document, data.get("message", ""), BASE_VARIABLES | function.provides, params)


def _raise_first(document: Document, prefix: FieldPath, label: str, errors: Iterable[Any]) -> None:
    """The most relevant of jsonschema's errors, at its place in the file (nothing when there is none)."""
    from jsonschema.exceptions import best_match

    error = best_match(errors)
    if error is None:
        return
    if label:
        message = f"{label}: {error.message}"
    else:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path) or "(top)"
        message = f"{where.lstrip('.')}: {error.message}"
    raise RuleError([_error_at(document, (*prefix, *error.absolute_path), message)])


def _check_options(document: Document, function: AnyCheckFunction, written: Any, params: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    at_options: FieldPath = ("then", "functionOptions")
    try:
        options = substitute_options(written, params)
    except MissingVariable as err:
        raise RuleError([_error_at(document, at_options, f"unknown parameter {err.args[0]}")]) from None
    label = f"options of {function.name}"
    _raise_first(document, at_options, label, Draft202012Validator(function.options_schema).iter_errors(options))
    try:
        function.prepare(options)
    except OptionError as err:  # an unsafe or invalid regular expression, a bad selector: at that option
        raise RuleError([_error_at(document, (*at_options, err.key), f"{label}: {err}")]) from None
    except ValueError as err:
        raise RuleError([_error_at(document, at_options, f"{label}: {err}")]) from None


def _check_message(document: Document, message: str, allowed: frozenset[str], params: dict[str, Any]) -> None:
    for name in placeholders(message):
        if name.startswith("params."):
            try:
                lookup(params, name)
            except MissingVariable:
                raise RuleError([_error_at(document, ("message",), f"unknown parameter {{{{{name}}}}}")]) from None
        elif name.split(".")[0] not in allowed:
            known = ", ".join(sorted(allowed))
            problem = f"unknown placeholder {{{{{name}}}}} (known: {known}, params.*)"
            raise RuleError([_error_at(document, ("message",), problem)])


def _compile(document: Document, builtin: bool, functions: CheckFunctions) -> Rule:
    data = document.data
    match = data.get("match", {})
    then = data.get("then", {})
    try:
        given = data.get("given", [])
        selectors = tuple(compile_selector(text) for text in ([given] if isinstance(given, str) else given))
    except (SelectorError, ValueError) as err:
        raise RuleError([_error_at(document, ("given",), str(err))]) from None
    conditions: tuple[Condition, ...] = ()
    for position, spec in enumerate(match.get("when", [])):
        try:
            conditions += compile_conditions([spec])
        except (SelectorError, ValueError) as err:  # a costly path or a pattern RE2 refuses: at that condition
            where = ("match", "when", position, "matches") if "matches" in spec else ("match", "when", position)
            raise RuleError([_error_at(document, where, str(err))]) from None
    kinds = match.get("kinds")
    versions = match.get("apiVersions")
    try:
        fix = compile_fix(data.get("fix"))
    except FixDeclarationError as err:
        raise RuleError([_error_at(document, ("fix",), str(err))]) from None
    return Rule(
        id=data["id"],
        name=data["name"],
        title=data["title"],
        severity=Severity.parse(data["severity"]),
        enabled=data.get("enabled", True),
        description=data["description"].strip(),
        remediation=data["remediation"].strip(),
        message=data.get("message", "").strip(),
        source=str(data.get("source", "")).strip(),
        tags=tuple(data.get("tags", ())),
        security_severity=data.get("securitySeverity"),
        help_uri=data.get("helpUri"),
        producer=data.get("producer"),
        kinds=frozenset(kinds) if kinds else None,
        api_versions=frozenset(versions) if versions else None,
        conditions=conditions,
        when=tuple(match.get("when", [])),
        selectors=selectors,
        then_field=tuple(then["field"].split(".")) if "field" in then else (),
        function=functions.get(then["function"]) if "function" in then else None,
        options=then.get("functionOptions", {}),
        fix=fix,
        examples={key: list(value) for key, value in data.get("examples", {}).items()},
        origin=document.path,
        builtin=builtin,
    )
