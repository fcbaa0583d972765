"""`--fix`: fix, lint again, and fix what the first fixes made visible, until nothing more can be fixed.

A fix can bring another rule's finding into view (`type: nodeport` becomes `NodePort`, and only then do the
rules for NodePort Services run), so passes repeat, up to a limit, while they still change files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from msgspec import Struct, field

from svclint.core.model import Finding
from svclint.fix.files import FixWriteError, fix_files, write_fixed

MAX_PASSES = 10
R = TypeVar("R")


class FixOutcome(Struct, Generic[R]):
    result: R  # the run after the last pass: what is left
    fixed: int = 0
    files: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


def fix_until_done(
    first: R,
    findings_of: Callable[[R], Sequence[Finding]],
    lint_again: Callable[[], R],
    unsafe: bool,
    max_bytes: int,
    roots: Sequence[str],
) -> FixOutcome[R]:
    outcome = FixOutcome(first)
    refused: set[str] = set()
    for _ in range(MAX_PASSES):
        changed = False
        for item in fix_files(findings_of(outcome.result), unsafe, max_bytes, roots):
            if not item.changed or item.path in refused:
                continue
            try:
                write_fixed(item, max_bytes)
            except FixWriteError as err:
                refused.add(item.path)
                outcome.errors.append(str(err))
                continue
            changed = True
            outcome.fixed += len(item.applied)
            outcome.files.add(item.path)
        if not changed:
            break
        outcome.result = lint_again()
    return outcome
