"""How deep values may nest, and the room the rest of a run needs to handle values that deep.

The loader refuses documents nested deeper than MAX_DEPTH (docs/input.md) with an iterative walk. Every later
stage may meet values that deep: libraries that recurse on data (jsonschema, jsonpath-ng's `..`, `repr`,
pickling results from worker processes) take a few Python frames per level, more than Python's default
recursion limit of 1000 allows. A run therefore raises the limit for its duration, so that the documented depth
is the one that holds, the same with one process or several (forked workers inherit the limit).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

MAX_DEPTH = 1000
# Frames per level of nesting in the deepest-recursing library used on documents (jsonschema: about 8), with
# room for the stack the run starts from. Python 3.11+ frames cost no C stack; C recursion (repr, pickle)
# takes one or two levels per value, far below what a thread's stack holds.
_FRAMES_PER_LEVEL = 12
_BASE_FRAMES = 2000

_P = ParamSpec("_P")
_R = TypeVar("_R")


def with_nesting_headroom(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with a recursion limit that values nested MAX_DEPTH deep cannot exhaust."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        before = sys.getrecursionlimit()
        sys.setrecursionlimit(max(before, MAX_DEPTH * _FRAMES_PER_LEVEL + _BASE_FRAMES))
        try:
            return function(*args, **kwargs)
        finally:
            sys.setrecursionlimit(before)

    return wrapper
