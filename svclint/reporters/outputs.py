"""Where a run's reports go, and how they look: formats and files, colour, source lines, progress.

One run can write several reports: `-f FORMAT[:FILE]` is repeatable, e.g. `-f text -f sarif:svclint.sarif` for a
readable CI log and a code scanning upload. `-f FORMAT -o FILE` keeps working as it always has; `-o` with more
than one format would be ambiguous, so it is refused, as are two reports on standard output.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from msgspec import Struct

from svclint.core.errors import SvclintError

FORMATS = ("text", "sarif", "json", "github", "gitlab")
# The formats that are JSON documents: they write a file name that is not UTF-8 as JSON escapes, not raw bytes.
JSON_FORMATS = ("sarif", "json", "gitlab")


class OutputError(SvclintError):
    """Outputs that cannot be honoured as written (exit 2)."""


class Output(Struct, frozen=True):
    format: str
    file: str | None  # None: standard output


def parse_spec(spec: str) -> Output:
    """`sarif` or `sarif:reports/svclint.sarif` (everything after the first colon is the file name)."""
    name, colon, file = spec.partition(":")
    if name not in FORMATS:
        raise OutputError(f"unknown format {name!r} (expected one of {', '.join(FORMATS)}, optionally :FILE)")
    if colon and not file:
        raise OutputError(f"{spec!r}: the file name after ':' is missing")
    return Output(name, file or None)


def plan_outputs(specs: Sequence[str], output: str | None, default_format: str) -> list[Output]:
    outputs = [parse_spec(spec) for spec in specs] or [Output(default_format, None)]
    bare = [o for o in outputs if o.file is None]
    if output is not None:
        if len(outputs) > 1:
            raise OutputError("--output with several formats is ambiguous: name each file as -f FORMAT:FILE")
        if not bare:
            raise OutputError("--output: the format already names its file (-f FORMAT:FILE)")
        outputs = [Output(outputs[0].format, output)]
    elif len(bare) > 1:
        formats = " and ".join(o.format for o in bare)
        raise OutputError(f"{formats} cannot both go to standard output: name a file with -f FORMAT:FILE")
    files = [o.file for o in outputs if o.file is not None]
    if len(set(files)) != len(files):
        raise OutputError("two reports cannot go to the same file")
    return outputs


def use_color(mode: str, stream: TextIO | None) -> bool:
    """`--color`: always, never, or (auto) when the stream is a terminal. In auto, a non-empty NO_COLOR turns
    colour off and a non-empty FORCE_COLOR (other than 0) turns it on; NO_COLOR wins when both are set."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and force != "0":
        return True
    return is_terminal(stream)


def is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # a closed stream
        return False
