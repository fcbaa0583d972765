"""`svclint: 1200/5000 files` on a terminal's standard error while a long run reads its files.

Quiet for the first second, so that short runs (nearly all of them) print nothing, and redrawn at most ten
times a second. The line is erased when the run is done, so it never mixes with the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY = 1.0  # seconds before the first line
INTERVAL = 0.1  # seconds between redraws


class ProgressLine:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL and done < total:
            return
        self.drawn_at = now
        self._draw(f"svclint: {done}/{total} files")

    def finish(self) -> None:
        if self.drawn_at is not None:
            self._draw("")
            self.stream.write("\r")
            self.stream.flush()

    def _draw(self, text: str) -> None:
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)
