"""Spoken announcements for screen readers (Qt >= 6.8's QAccessibleAnnouncementEvent).

A status-bar label that changes is not read aloud; an announcement is, once. Only events go through here
(revealed, hidden, copied, clipboard cleared, errors), never a countdown tick, and never a key or secret:
the announcement says what happened, the focused cell holds the value.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QApplication, QWidget

from ..redact import SECRETS

log = logging.getLogger("tbdesk.announce")


REPEAT_AFTER_S = 60.0  # the same status message again within this: shown, not said again


class Announcer(QObject):
    announced = Signal(str, bool)  # text, assertive (interrupts speech: errors)

    def __init__(self, window: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.history: list[str] = []
        self._last_message: tuple[str, float] | None = None

    def say(self, text: str, assertive: bool = False) -> None:
        text = SECRETS.redact(text)
        self.history.append(text)
        del self.history[:-100]
        # From the focused widget when it is ours (Orca reads announcements of the active window's
        # objects), else from the window itself.
        focus = QApplication.focusWidget()
        source = focus if focus is not None and focus.window() is self.window else self.window
        event = QAccessibleAnnouncementEvent(source, text)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive if assertive else QAccessible.AnnouncementPoliteness.Polite
        )
        QAccessible.updateAccessibility(event)
        log.debug("announced: %s", text)
        self.announced.emit(text, assertive)

    def message(self, level: str, text: str) -> None:
        """Every status-bar message (MessageBridge), which a screen reader does not watch; errors interrupt.

        A message that repeats itself (polling every 15 s while the network is down) is said once a minute
        at most: the status bar keeps showing it, speech is not flooded."""
        now = time.monotonic()
        if self._last_message is not None:
            last, when = self._last_message
            if last == text and now - when < REPEAT_AFTER_S:
                return
        self._last_message = (text, now)
        self.say(text, assertive=level == "error")
