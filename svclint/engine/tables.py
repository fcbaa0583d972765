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
    """Each `tables/NAME.yaml` under its camel-cased name: `load-balancer-annotations` -> `loadBalancerAnnotations`."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")  # the C parser: the pure-Python one takes ten times as long
    paths = sorted(tables_dir().glob("*.yaml"))
    return {_camel(path.stem): yaml.load(path.read_text(encoding="utf-8")) for path in paths}
