"""Every console example in README.md and docs/ runs, and prints exactly what the page shows.

A ```console block holds `$ svclint ...` lines, each followed by its output; a last line `...` means the output
goes on. Commands run as a reader would type them at the root of a clone of the repository, standard output and
standard error together in the order they are written.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
# Settings of the test run that a reader's terminal does not have; they change what svclint prints.
_RUNNER_ENV = ("GITHUB_ACTIONS", "GITLAB_CI", "CI", "FORCE_COLOR", "CLICOLOR_FORCE", "NO_COLOR", "SVCLINT_DEBUG")


@dataclass
class Example:
    page: str
    line: int  # of the command in the page
    argv: list[str]
    expected: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def examples() -> list[Example]:
    found: list[Example] = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(REPO).as_posix()
        for block in _BLOCK.finditer(text):
            first_line = text.count("\n", 0, block.start(1)) + 1
            current: Example | None = None
            for offset, line in enumerate(block.group(1).splitlines()):
                if line.startswith("$ "):
                    current = Example(name, first_line + offset, shlex.split(line[2:]))
                    found.append(current)
                elif current is not None:
                    current.expected.append(line)
                else:
                    raise AssertionError(f"{name}:{first_line + offset}: output without a command: {line!r}")
    return found


def _run(example: Example) -> list[str]:
    assert example.argv[0] == "svclint", f"{example.id}: console examples run svclint only: {example.argv}"
    env = {key: value for key, value in os.environ.items() if key not in _RUNNER_ENV}
    env["PYTHONUNBUFFERED"] = "1"  # stdout and stderr interleave as on a terminal
    proc = subprocess.run(
        [sys.executable, "-m", "svclint", *example.argv[1:]],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return [line.rstrip() for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("example", examples(), ids=lambda example: example.id)
def test_console_example_prints_what_the_page_shows(example: Example) -> None:
    actual = _run(example)
    expected = [line.rstrip() for line in example.expected]
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        actual = actual[: len(expected)]
    diff = "\n".join(difflib.unified_diff(expected, actual, "the page", "svclint", lineterm=""))
    assert actual == expected, f"{example.id} shows other output than `{shlex.join(example.argv)}` prints:\n{diff}"


def test_the_pages_hold_console_examples() -> None:
    """The collection above sees the examples (a changed fence would silently test nothing)."""
    pages = {example.page for example in examples()}
    assert {"README.md", "docs/getting-started.md", "docs/input.md"} <= pages
