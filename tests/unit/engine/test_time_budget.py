"""The watchdog behind every rule evaluation's time budget (svclint/engine/budget.py)."""

from __future__ import annotations

import gc
import signal
import sys
import time

import pytest

from svclint.engine.budget import RuleTimeout, _Watchdog


def _past_its_deadline() -> _Watchdog:
    watchdog = _Watchdog()
    watchdog.budget = 0.001
    watchdog.deadline = time.monotonic() - 1
    return watchdog


def test_the_timer_striking_inside_a_garbage_collector_callback_waits_for_the_next_tick() -> None:
    watchdog = _past_its_deadline()
    struck: list[str] = []

    def collector_callback(phase: str, info: dict[str, int]) -> None:
        try:
            watchdog._tick(signal.SIGALRM, sys._getframe())
        except RuleTimeout:  # Python would report it as unraisable, and the evaluation would go on
            struck.append(phase)

    gc.callbacks.append(collector_callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(collector_callback)
    assert not struck
    with pytest.raises(RuleTimeout):  # the next tick, back in the evaluation
        watchdog._tick(signal.SIGALRM, sys._getframe())


def test_the_timer_striking_inside_a_finalizer_waits_for_the_next_tick() -> None:
    watchdog = _past_its_deadline()
    struck: list[bool] = []

    class Finalized:
        def __del__(self) -> None:
            try:
                watchdog._tick(signal.SIGALRM, sys._getframe())
            except RuleTimeout:
                struck.append(True)

    Finalized()
    assert not struck
    with pytest.raises(RuleTimeout):
        watchdog._tick(signal.SIGALRM, sys._getframe())


def test_a_stop_swallowed_all_the_same_is_raised_again_a_budget_later() -> None:
    watchdog = _past_its_deadline()
    with pytest.raises(RuleTimeout):
        watchdog._tick(signal.SIGALRM, sys._getframe())
    assert watchdog.deadline > 0  # still armed until the evaluation ends
    time.sleep(0.002)
    with pytest.raises(RuleTimeout):
        watchdog._tick(signal.SIGALRM, sys._getframe())


def test_no_evaluation_in_progress_is_never_stopped() -> None:
    watchdog = _Watchdog()
    watchdog._tick(signal.SIGALRM, sys._getframe())
