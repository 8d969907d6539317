"""Slices of work on the qasync loop let the window answer between them (controllers.tasks.next_turn)."""

from __future__ import annotations

import asyncio
import time

from tbdesk.controllers.tasks import next_turn


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_task_waiting_on_a_timer_runs_between_two_slices(gui):
    order: list[str] = []

    async def waiting() -> None:  # like the window's own timers: due while the first slice runs
        await asyncio.sleep(0.001)
        order.append("timer")

    async def work() -> None:
        busy(0.01)
        order.append("slice 1")
        await next_turn()
        busy(0.001)
        order.append("slice 2")

    async def both() -> None:
        await asyncio.gather(waiting(), work())

    gui.run(both())
    assert order == ["slice 1", "timer", "slice 2"]
