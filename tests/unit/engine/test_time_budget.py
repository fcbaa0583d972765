"""The watchdog behind every rule evaluation's time budget (svclint/engine/budget.py)."""

from __future__ import annotations

import gc
import signal
import time

import pytest

from svclint.engine.budget import RuleTimeout, _Watchdog


def test_a_stop_swallowed_where_it_struck_is_raised_again_a_budget_later() -> None:
    watchdog = _Watchdog()
    watchdog.budget = 0.001
    watchdog.deadline = time.monotonic() - 1  # an evaluation past its deadline

    swallowed = []

    def collector_callback(phase: str, info: dict[str, int]) -> None:
        # What a garbage collector callback does with an exception: Python reports it as unraisable, and the
        # evaluation the timer meant to stop goes on.
        try:
            watchdog._tick(signal.SIGALRM, None)
        except RuleTimeout:
            swallowed.append(phase)

    gc.callbacks.append(collector_callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(collector_callback)
    assert swallowed
    assert watchdog.deadline > 0  # still armed
    time.sleep(0.002)
    with pytest.raises(RuleTimeout):
        watchdog._tick(signal.SIGALRM, None)


def test_no_evaluation_in_progress_is_never_stopped() -> None:
    watchdog = _Watchdog()
    watchdog.deadline = 0.0
    watchdog._tick(signal.SIGALRM, None)
