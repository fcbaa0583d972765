"""Code-quality gates: no function above cyclomatic complexity 15 (radon) and no unused code (vulture) beyond the
allowlists in tests/quality-gates.toml, where every entry says why it stands."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from radon.complexity import cc_visit
from radon.visitors import Function
from vulture import Vulture

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_COMPLEXITY = 15
# Vulture's lowest confidence: unused functions, classes, methods and attributes, not only unused variables.
MIN_CONFIDENCE = 60
SOURCES = REPO / "svclint"
ALLOWLISTS = REPO / "tests" / "quality-gates.toml"


def _allowlists() -> dict[str, list[dict[str, Any]]]:
    with ALLOWLISTS.open("rb") as handle:
        allowlists: dict[str, list[dict[str, Any]]] = tomllib.load(handle)
    return allowlists


def _functions(blocks: list[Any], prefix: str = "") -> Iterator[tuple[str, int]]:
    """Every function, method and nested function with its qualified name (radon lists a class's methods
    beside the class, and a class's own complexity is the sum of its methods')."""
    for block in blocks:
        if isinstance(block, Function):
            name = f"{prefix}{block.fullname}"
            yield name, block.complexity
            yield from _functions(block.closures, f"{name}.")
        else:
            yield from _functions(block.inner_classes, f"{prefix}{block.name}.")


def _complexities() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(SOURCES.rglob("*.py")):
        module = path.relative_to(REPO).as_posix()
        for name, complexity in _functions(cc_visit(path.read_text(encoding="utf-8"))):
            found[f"{module}:{name}"] = max(complexity, found.get(f"{module}:{name}", 0))
    return found


def test_no_function_is_more_complex_than_the_limit_unless_allowed() -> None:
    entries = _allowlists().get("complexity", [])
    assert all(entry.get("reason") and entry.get("area") for entry in entries), "each entry names its reason and area"
    allowed = {entry["function"] for entry in entries}
    complexities = _complexities()
    over = {name: value for name, value in complexities.items() if value > MAX_COMPLEXITY}
    assert not {name: over[name] for name in sorted(over.keys() - allowed)}, (
        f"split these into named steps (cyclomatic complexity above {MAX_COMPLEXITY})"
    )
    assert not sorted(allowed - over.keys()), f"now at most {MAX_COMPLEXITY} or gone: remove from {ALLOWLISTS.name}"


def _unused_code() -> list[str]:
    entries = _allowlists().get("unused", [])
    assert all(entry.get("reason") for entry in entries), "each entry says why the name is used after all"
    vulture = Vulture(ignore_decorators=[entry["decorator"] for entry in entries if "decorator" in entry])
    vulture.scavenge([str(SOURCES)])
    allowed = {(entry["path"], name) for entry in entries if "path" in entry for name in entry["names"]}
    unused = []
    for item in vulture.get_unused_code(min_confidence=MIN_CONFIDENCE):
        path = Path(item.filename).resolve().relative_to(REPO).as_posix()
        if (path, item.name) not in allowed:
            unused.append(f"{path}:{item.first_lineno}: {item.message} ({item.confidence}% confidence)")
    return unused


def test_no_unused_code_unless_explained() -> None:
    assert not _unused_code(), f"remove the dead code, or explain in {ALLOWLISTS.name} who uses it"
