"""A time budget for each rule's evaluation on one object: past it, the evaluation stops and becomes a finding.

Patterns run on RE2, selectors have bounded cost and documents bounded depth and size, so no evaluation should
come near the budget; the budget is the guarantee for what those bounds do not foresee. A periodic timer
(SIGALRM, every TICK seconds while a run is in progress) looks at the evaluation in progress, and when it is
over its deadline raises RuleTimeout in it. Arming a timer per evaluation would cost more than most rules.
Worker processes start their own timer (timers do not survive fork); where there are no signals (Windows, a
thread other than the main one) evaluations run without a budget.
"""

from __future__ import annotations

import functools
import gc
import os
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import ParamSpec, TypeVar

RULE_TIME_BUDGET = 10.0  # seconds for one rule on one object
TICK = 0.5

_P = ParamSpec("_P")
_R = TypeVar("_R")


class RuleTimeout(BaseException):
    """Raised inside an evaluation that ran past its budget (a BaseException: no `except Exception` keeps it)."""


class _Watchdog:
    def __init__(self) -> None:
        self.budget = RULE_TIME_BUDGET
        self.tick = TICK
        self.deadline = 0.0  # 0: no evaluation in progress
        self.enabled = False  # a run is in progress in this process tree
        self.ticking = False  # this process's timer runs

    def start_evaluation(self) -> None:
        if not self.ticking:
            self._start_timer()
        self.deadline = time.monotonic() + self.budget

    def _start_timer(self) -> None:
        if not self.enabled or threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGALRM, self._tick)
        signal.setitimer(signal.ITIMER_REAL, self.tick, self.tick)
        self.ticking = True

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        deadline = self.deadline
        now = time.monotonic()
        if deadline and now > deadline and not _swallows_exceptions(frame):
            # Stays armed until the evaluation ends (it disarms it, stopped or not): should the stop be
            # swallowed all the same, the evaluation is stopped again a budget later.
            self.deadline = now + self.budget
            raise RuleTimeout

    def after_fork(self) -> None:
        self.ticking = False
        self.deadline = 0.0


def _swallows_exceptions(frame: FrameType | None) -> bool:
    """Whether the timer struck inside a garbage collector callback or a finalizer: an exception raised there
    never reaches the evaluation (Python reports it as unraisable and goes on), so the next tick stops it."""
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=WATCHDOG.after_fork)


def with_rule_time_budget(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Give every rule evaluation of `function` (a run) its time budget, where signals allow it."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        return function

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if WATCHDOG.enabled or threading.current_thread() is not threading.main_thread():
            return function(*args, **kwargs)
        previous = signal.getsignal(signal.SIGALRM)
        WATCHDOG.enabled = True
        try:
            return function(*args, **kwargs)
        finally:
            WATCHDOG.enabled = False
            WATCHDOG.deadline = 0.0
            if WATCHDOG.ticking:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
                WATCHDOG.ticking = False

    return wrapper
