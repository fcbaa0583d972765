"""`--diff`: the fixes as a unified diff, which `git apply` and `patch -p0` accept."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from svclint.fix.apply import FixedFile
from svclint.input.parsing.decode import Decoded, decode

_NO_NEWLINE = "\\ No newline at end of file\n"
# Lines as YAML and diff tools cut them (str.splitlines would also cut at U+2028 and form feeds).
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+$")


def unified_diff(files: Iterable[FixedFile]) -> str:
    return "".join(_file_diff(item) for item in files if item.changed)


def _file_diff(item: FixedFile) -> str:
    before, after = decode(item.original), decode(item.fixed)
    if not isinstance(before, Decoded) or not isinstance(after, Decoded):
        return ""
    lines = difflib.unified_diff(
        _LINE.findall(before.text),
        _LINE.findall(after.text),
        fromfile=item.path,
        tofile=item.path,
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n" + _NO_NEWLINE)
    return "".join(out)
