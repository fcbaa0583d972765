"""Regular expressions from rule files: compiled only when they cannot backtrack catastrophically.

A rule file is data written by anyone with access to a repository's rule directory; a pattern such as `(a+)+$`
would make svclint hang on a long value. Patterns are limited in length and refused when a repeated group
contains another unbounded repeat (the shape behind exponential backtracking).
"""

from __future__ import annotations

import re
import sys
from typing import Any

MAX_PATTERN_LENGTH = 500

if sys.version_info >= (3, 11):
    import re._constants as _sre_constants
    import re._parser as _sre_parse
else:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_constants
    import sre_parse as _sre_parse


class UnsafePattern(ValueError):
    pass


def compile_safe(pattern: str) -> re.Pattern[str]:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error as err:
        raise UnsafePattern(f"invalid regular expression: {err}") from None
    if _nested_repeat(parsed, inside_repeat=False):
        raise UnsafePattern(f"pattern {pattern!r} nests unbounded repeats (catastrophic backtracking)")
    return re.compile(pattern)


_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(_sre_constants, "POSSESSIVE_REPEAT", None)


def _nested_repeat(items: Any, inside_repeat: bool) -> bool:
    for op, argument in items:
        if op in _REPEATS or (_POSSESSIVE is not None and op == _POSSESSIVE):
            _low, high, body = argument
            unbounded = high == _sre_constants.MAXREPEAT or high > 100
            if unbounded and inside_repeat:
                return True
            if _nested_repeat(body, inside_repeat or unbounded):
                return True
        elif op == _sre_constants.SUBPATTERN:
            if _nested_repeat(argument[-1], inside_repeat):
                return True
        elif op == _sre_constants.BRANCH:
            if any(_nested_repeat(branch, inside_repeat) for branch in argument[1]):
                return True
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT) and _nested_repeat(argument[1], inside_repeat):
            return True
    return False
