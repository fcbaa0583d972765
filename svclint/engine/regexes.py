"""Regular expressions from rule files: matched in time linear in the input, whatever the pattern.

A rule file is data written by anyone with access to a repository's rule directory, and a backtracking engine
can be made to hang by a pattern (`^(a|aa)+$`, `(.|\\s)*x`) that no syntactic check catches reliably. Patterns
are therefore compiled and run by RE2 (the google-re2 package), whose matching time is linear in the length of
the text and whose compiled size is bounded: a pattern RE2 cannot run that way (backreferences, lookaround,
conditional groups, repetition counts over 1000, programs over its memory budget) is refused when the rule
loads. The dialect is RE2's, the same as Go's regexp package that Kubernetes validates with.
"""

from __future__ import annotations

from typing import Any

import re2

MAX_PATTERN_LENGTH = 500
# Values repeat across objects (ports, protocols, names): remembering a verdict saves the call into RE2.
_REMEMBERED_VALUES = 4096


class UnsafePattern(ValueError):
    pass


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on standard error
    return options


_OPTIONS = _options()
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


class LinearPattern:
    """A compiled RE2 pattern that answers one question: does it match somewhere in a string?"""

    __slots__ = ("_regexp", "_verdicts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # The binding's own search() decodes match offsets back to str positions; a yes/no needs none of that.
        self._regexp = re2._re2.RE2(text.encode("utf-8", "surrogatepass"), _OPTIONS)
        if not self._regexp.ok():
            reason = self._regexp.error()
            raise UnsafePattern(reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason))
        self._verdicts: dict[str, bool] = {}

    def __reduce__(self) -> tuple[type[LinearPattern], tuple[str]]:
        return LinearPattern, (self.text,)

    def search(self, value: str) -> bool:
        verdict = self._verdicts.get(value)
        if verdict is None:
            encoded = value.encode("utf-8", "surrogatepass")
            verdict = self._regexp.Match(_UNANCHORED, encoded, 0, len(encoded))[0][0] >= 0
            if len(self._verdicts) < _REMEMBERED_VALUES:
                self._verdicts[value] = verdict
        return verdict


def compile_safe(pattern: str) -> LinearPattern:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        return LinearPattern(pattern)
    except UnsafePattern as err:
        raise UnsafePattern(
            f"pattern {pattern!r} is not supported: {err} (patterns use RE2 syntax, which matches in linear time: "
            "no backreferences, lookaround or conditional groups, repetition counts up to 1000)"
        ) from None
