"""The layout is what docs/architecture.md and .importlinter say: every package of svclint is a stage the import
contract places, the architecture page describes every stage, and every test lives in its tier."""

from __future__ import annotations

import configparser
import re

from conftest import REPO

PACKAGE = REPO / "svclint"


def _packages() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/__init__.py")}


def _layers() -> set[str]:
    contract = configparser.ConfigParser()
    contract.read(REPO / ".importlinter")
    layers = contract["importlinter:contract:pipeline"]["layers"]
    return set(re.findall(r"svclint\.(\w+)", layers))


def test_every_package_is_a_layer_of_the_import_contract() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.stem not in {"__init__", "__main__"}}
    assert _packages() | modules <= _layers()


def test_the_architecture_page_describes_every_package() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert not {name for name in _packages() if f"`svclint/{name}/`" not in page}


def test_every_test_lives_in_a_tier() -> None:
    tests = (REPO / "tests").rglob("test_*.py")
    stray = []
    for path in tests:
        tier = path.relative_to(REPO / "tests").parts
        if not (tier[0] == "e2e" or (tier[0] == "unit" and len(tier) == 3 and tier[1] in _packages())):
            stray.append(str(path.relative_to(REPO)))
    assert not stray, "tests belong in tests/e2e/ or tests/unit/<package>/"


def test_test_files_have_unique_names_and_no_package_markers() -> None:
    names = [path.name for path in (REPO / "tests").rglob("test_*.py")]
    assert len(names) == len(set(names))
    assert not list((REPO / "tests").rglob("__init__.py"))
