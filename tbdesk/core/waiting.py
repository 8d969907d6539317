"""Waiting on a condition, and measuring how long the event loop could not react.

The tests, the benchmark and packaging/screenshots.py use these; nothing in the app waits by polling.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def until(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "", tick: float = 0.005) -> Any:
    """Return `predicate()`'s first truthy value, checking every `tick` seconds; TimeoutError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what or predicate}")
        await asyncio.sleep(tick)


class StallWatch:
    """How late a `tick` timer fires on the event loop: the time the window could not react.

    `with StallWatch() as watch:` inside a coroutine, or `await watch.run(stop)` beside the work.
    """

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.gaps: list[float] = []
        self._task: asyncio.Task[None] | None = None

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        last = time.perf_counter()
        while stop is None or not stop.is_set():
            await asyncio.sleep(self.tick)
            now = time.perf_counter()
            self.gaps.append(max(0.0, now - last - self.tick))
            last = now

    def __enter__(self) -> StallWatch:
        self._task = asyncio.get_running_loop().create_task(self.run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
