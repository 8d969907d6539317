"""Run a rebuild once changes settle, but never later than a bound while they keep coming."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Debounce(QObject):
    """`poke()` (re)starts a `quiet_ms` wait before calling `action`; after `max_ms` of steady pokes (a
    poll every 200 ms, a load of 20 pages) it stops restarting, so the action is late but never starved."""

    def __init__(
        self, action: Callable[[], None], quiet_ms: int = 300, max_ms: int = 1000, parent: QObject | None = None
    ):
        super().__init__(parent)
        self._max = max_ms / 1000
        self._first = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(quiet_ms)
        self._timer.timeout.connect(action)

    def poke(self) -> None:
        now = time.monotonic()
        if not self._timer.isActive():
            self._first = now
            self._timer.start()
        elif now - self._first < self._max:
            self._timer.start()

    def is_pending(self) -> bool:
        return self._timer.isActive()
