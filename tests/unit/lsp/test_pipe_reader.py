"""The server's standard-input reader runs its idle callbacks once every message received so far has been read
and handled: a burst of changes is linted once, after its last change."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from pygls.io_ import run_async

from svclint.lsp.stdio import PipeReader


def _message(number: int) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "method": "note", "params": {"n": number}}).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class _Protocol:
    """pygls's protocol, as run_async uses it: each message handled asks for one lint when idle."""

    def __init__(self, reader: PipeReader) -> None:
        self.reader = reader
        self.handled: list[int] = []
        self.linted: list[list[int]] = []  # what had been handled at each lint
        self.asked = False

    def structure_message(self, data: dict[str, Any]) -> dict[str, Any]:
        return data

    def handle_message(self, message: dict[str, Any]) -> None:
        self.handled.append(message["params"]["n"])
        if not self.asked:
            self.asked = True
            self.reader.when_idle(self.lint)

    def lint(self) -> None:
        self.asked = False
        self.linted.append(list(self.handled))


def test_a_burst_is_linted_once_after_its_last_message() -> None:
    async def main() -> _Protocol:
        reader = PipeReader()
        protocol = _Protocol(reader)
        stop = threading.Event()
        serving = asyncio.create_task(run_async(stop, reader, protocol))  # type: ignore[arg-type]
        reader.data_received(b"".join(_message(n) for n in range(1, 6)))  # five at once
        await asyncio.sleep(0.01)
        reader.data_received(_message(6))  # then one alone
        await asyncio.sleep(0.01)
        last = _message(7)
        reader.data_received(last[:10])  # a message that arrives in two pieces is waited for
        await asyncio.sleep(0.01)
        reader.data_received(last[10:])
        await asyncio.sleep(0.01)
        stop.set()
        reader.eof_received()
        await serving
        return protocol

    protocol = asyncio.run(main())
    assert protocol.handled == [1, 2, 3, 4, 5, 6, 7]
    assert protocol.linted == [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]]


def test_a_failing_callback_does_not_stop_the_reading() -> None:
    async def main() -> tuple[list[str], bytes]:
        reader = PipeReader()
        calls: list[str] = []

        def failing() -> None:
            calls.append("failing")
            raise RuntimeError("broken")

        message = _message(1)
        reader.data_received(message)
        reader.when_idle(failing)
        reader.when_idle(lambda: calls.append("next"))
        assert await reader.readexactly(len(message)) == message
        assert calls == []  # nothing waits to be read, but the reader has not come back for more yet
        waiting = asyncio.create_task(reader.readline())
        await asyncio.sleep(0)
        reader.eof_received()
        return calls, await waiting

    assert asyncio.run(main()) == (["failing", "next"], b"")
