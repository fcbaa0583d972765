"""Standard input read by the server's event loop itself, so that the server knows when every message the
editor has sent so far has been handled.

An editor sends a `didChange` for each keystroke. Linting after each of them would answer with diagnostics for
text that is already gone while the next changes wait. Like ruff's server, svclint applies every change as it
comes (that is cheap) and lints the text once the changes sent so far are all applied: `when_idle` runs its
callback once nothing more is waiting to be read. pygls's own reader reads in a thread, from a buffer the
server cannot look into; this one reads through the event loop, whose buffer it owns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import BinaryIO

logger = logging.getLogger(__name__)


class PipeReader(asyncio.Protocol):
    """A pipe read through the event loop, with pygls's reader interface (`readline`, `readexactly`)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._eof = False
        self._waiter: asyncio.Future[None] | None = None
        self._idle: list[Callable[[], None]] = []

    @classmethod
    async def open(cls, pipe: BinaryIO) -> PipeReader:
        """Read `pipe` (standard input); OSError or ValueError when the loop cannot watch it (a regular file)."""
        reader = cls()
        await asyncio.get_running_loop().connect_read_pipe(lambda: reader, pipe)
        return reader

    def data_received(self, data: bytes) -> None:
        self._buffer.extend(data)
        self._wake()

    def eof_received(self) -> bool | None:
        self._eof = True
        self._wake()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def _more(self) -> bool:
        """Wait for more bytes; False at the end of input."""
        if self._eof:
            return False
        self._settle()
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None
        return True

    async def readline(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                return self._take(end + 1)
            if not await self._more():
                return self._take(len(self._buffer))

    async def readexactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            if not await self._more():
                return self._take(len(self._buffer))
        return self._take(n)

    def _take(self, n: int) -> bytes:
        taken = bytes(self._buffer[:n])
        del self._buffer[:n]
        return taken

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Run `callback` once everything received so far has been read and handled."""
        self._idle.append(callback)
        if not self._buffer:
            asyncio.get_running_loop().call_soon(self._settle)

    def _settle(self) -> None:
        if self._buffer or not self._idle:
            return
        callbacks, self._idle = self._idle, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # as a failing handler would be: logged, and the server reads on
                logger.exception("svclint: handling the changes failed")
