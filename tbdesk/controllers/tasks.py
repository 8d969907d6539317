"""Every API call runs as a named asyncio task on the qasync loop.

A newer task of the same name cancels an older one (or is dropped, with replace=False); the busy indicator
is on exactly while any task runs. A task's failure reaches the user: a 401 asks to sign in again, any
other API error becomes a message, anything else is a bug and goes to sys.excepthook (the crash dialog).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..api.errors import ApiError, AuthenticationError
from ..core.wording import describe
from ..gui.messages import MessageBridge


async def next_turn() -> None:
    """Let the window answer between two slices of work. One asyncio.sleep(0) only lets callbacks already
    queued run: in qasync a timer that fell due during the slice queues its callback behind this task's next
    step, so the two slices ran back to back as far as that timer could tell. The second sleep lets it in."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


class TaskRunner(QObject):
    changed = Signal()  # a task started or ended
    auth_failed = Signal(str)  # a task was refused with 401: the reason, to sign in again

    def __init__(self, messages: MessageBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.closing = False  # set on shutdown: no new tasks
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._waiting: set[asyncio.Task[Any]] = set()  # tasks waiting for the user (a dialog open)

    @property
    def busy(self) -> bool:
        """Some task is working (not merely waiting for the user in a dialog): the busy mark."""
        return any(t not in self._waiting for t in self._tasks.values())

    def user_wait(self, waiting: bool) -> None:
        """The current task waits for the user (True) or works again (False)."""
        try:
            task = asyncio.current_task()
        except RuntimeError:  # a dialog's generator closed after the loop stopped (quitting)
            return
        if task is None:
            return
        if waiting:
            self._waiting.add(task)
        else:
            self._waiting.discard(task)
        self.changed.emit()

    def running(self, name: str) -> bool:
        return name in self._tasks

    def names(self) -> list[str]:
        return list(self._tasks)

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any], replace: bool = True) -> asyncio.Task[Any] | None:
        """Run `coro` as the task `name`. replace=True cancels a running one; False ignores the new one."""
        if self.closing:  # views may still ask for pages while the window goes away
            coro.close()
            return None
        old = self._tasks.get(name)
        if old is not None and not old.done():
            if not replace:
                coro.close()
                return None
            old.cancel()
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks[name] = task
        task.add_done_callback(lambda t: self._done(name, t))
        self.changed.emit()
        return task

    async def idle(self, *names: str) -> None:
        """Return once none of `names` (default: no task at all) is running, including tasks they start."""
        while pending := [t for n, t in self._tasks.items() if not names or n in names]:
            await asyncio.wait(pending)
            await asyncio.sleep(0)  # let their done callbacks run

    def cancel(self, *names: str) -> None:
        """Cancel the running tasks of these names (their client is going away)."""
        for name in names:
            task = self._tasks.get(name)
            if task is not None:
                task.cancel()

    def cancel_all(self) -> None:
        self.closing = True
        for task in list(self._tasks.values()):
            task.cancel()

    def _done(self, name: str, task: asyncio.Task[Any]) -> None:
        self._waiting.discard(task)
        if self._tasks.get(name) is task:
            del self._tasks[name]
        self.changed.emit()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, AuthenticationError):
            self.auth_failed.emit(exc.message)
        elif isinstance(exc, ApiError):
            self.messages.error(describe(exc))
        else:  # a bug: the crash dialog, with a redacted report
            sys.excepthook(type(exc), exc, exc.__traceback__)
