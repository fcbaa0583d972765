"""Data tables shipped next to the built-in rules (`rules/tables/*.yaml`), read by rule options as
`{{params.tables.NAME}}`.

A table holds facts several rules share, such as what each cloud provider makes of its load-balancer
annotations, so that the facts are written once, with their sources, and no rule repeats them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from svclint.core.project import PACKAGE_DIR
from svclint.engine.bundlefile import BUNDLE, files_match, inside_package, listed_files, read_bundle, well_formed


def tables_dir() -> Path:
    """`tables/` of the rules shipped in the wheel, or of the repository's rules/ in a source tree."""
    packaged = PACKAGE_DIR / "builtin_rules" / "tables"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "rules" / "tables"


def _camel(stem: str) -> str:
    first, *rest = stem.split("-")
    return first + "".join(part.capitalize() for part in rest)


@cache
def builtin_tables() -> dict[str, Any]:
    """Each `tables/NAME.yaml` under its camel-cased name: `load-balancer-annotations` -> `loadBalancerAnnotations`.
    From the bundle of built-in rules when it matches the files: reading the YAML costs a one-file run more than
    the rest of its rules."""
    directory = tables_dir()
    bundled = bundled_tables(directory)
    return bundled if bundled is not None else read_tables(directory)


def table_files(directory: Path) -> list[Path]:
    return listed_files(directory, (".yaml",))


def read_tables(directory: Path) -> dict[str, Any]:
    return {_camel(path.stem): read_table(path) for path in table_files(directory)}


def read_table(path: Path) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # the C parser: the pure-Python one takes ten times as long
    return yaml.load(path.read_text(encoding="utf-8"))


def bundled_tables(directory: Path, bundle: Path = BUNDLE) -> dict[str, Any] | None:
    """The tables of `directory` from the bundle, or None when there is none or it does not match the files."""
    found = read_bundle(bundle)
    if found is None:
        return None
    content, modified = found
    entries = content.get("tables")
    if not well_formed(entries):
        return None
    files = table_files(directory)
    if not inside_package(directory.parent) and not files_match(files, entries, modified):
        return None
    return {_camel(Path(entry["file"]).stem): entry["data"] for entry in entries}
