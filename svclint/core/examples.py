"""What a rule's invalid example expects, written next to the lines it is about.

Under a line where the rule reports, an expectation line points at the finding's first column with `^` and
gives its message; the message may go on in comment lines that start at the same column:

    spec:
      type: LoadBalancer
      #     ^ LoadBalancer Service web is not internal: annotate it with
      #       networking.gke.io/load-balancer-type: Internal

The `#` must stand left of the caret, so a finding in column 1 is written `^ message` with no `#`. Expectation
lines are no part of the file that is linted: line numbers count without them. The older marker, `# <-` at the
end of a line, expects a finding of the rule on that line and says nothing about its column or message.
"""

from __future__ import annotations

import re

from msgspec import Struct

LINE_MARKER = "# <-"
CARET = "^"

# `   # ^ message` (the `#` anywhere left of the caret) or, for column 1, `^ message`.
_CARET_LINE = re.compile(r"(?:[ ]*#[ ]*)?\^ (?P<message>\S.*)")


class Expected(Struct, frozen=True, order=True):
    """A finding an example expects: its line in the linted file, and its column and message when given."""

    line: int
    column: int | None = None
    message: str | None = None

    @property
    def complete(self) -> bool:
        return self.column is not None and self.message is not None

    def __str__(self) -> str:
        if self.column is None:
            return f"line {self.line}"
        return f"{self.line}:{self.column}: {self.message}"


class ExampleText(Struct, frozen=True):
    """An example's manifest without its expectation lines, and what those lines expect."""

    text: str
    expected: tuple[Expected, ...]


def read_expectations(manifest: str) -> ExampleText:
    kept: list[str] = []
    expected: list[Expected] = []
    lines = manifest.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        caret = _CARET_LINE.fullmatch(lines[index].rstrip("\r\n"))
        if caret is None or not kept:
            kept.append(lines[index])
            if lines[index].rstrip().endswith(LINE_MARKER):
                expected.append(Expected(len(kept)))
            index += 1
            continue
        start = caret.start("message")
        words = [caret["message"].rstrip()]
        index += 1
        while index < len(lines) and (more := _continuation(lines[index], start)) is not None:
            words.append(more)
            index += 1
        column = lines[index - len(words)].index(CARET) + 1
        expected.append(Expected(len(kept), column, " ".join(words)))
    return ExampleText("".join(kept), tuple(sorted(expected)))


def _continuation(line: str, start: int) -> str | None:
    """The message's next words when `line` goes on with it: a comment whose text starts at column `start`."""
    lead, text = line[:start], line[start:].rstrip()
    if lead.strip() != "#" or not text or text[0] == " ":
        return None
    return text
