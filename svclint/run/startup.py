"""Garbage collection while a svclint process starts: paused until the rules are planned, then resumed with
everything start-up made frozen.

Start-up (importing some 270 modules, reading the rule bundle, planning the rules) allocates a few hundred
thousand objects that live as long as the process and frees almost none of them; the collector, triggered every
700 allocations, walks them again and again, which was about a ninth of a one-file run's instructions. So the
process entry (`svclint` or `python -m svclint`) pauses collection; when start-up is over, what it made is
frozen (`gc.freeze`: later collections skip it, and worker processes forked from here share it untouched) and
collection goes on as usual while files are read. Only the process entry pauses: a program or a test that calls
svclint keeps its collector as it is.
"""

from __future__ import annotations

import gc


class _Collection:
    paused = False


_STATE = _Collection()


def pause_collection() -> None:
    if gc.isenabled():
        gc.disable()
        _STATE.paused = True


def resume_collection() -> None:
    """Start-up is over (idempotent; does nothing unless pause_collection paused it)."""
    if _STATE.paused:
        _STATE.paused = False
        gc.freeze()
        gc.enable()
