"""Tell when the screen locks, where the platform says so (freedesktop and GNOME screensavers on D-Bus)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import SLOT, QObject, Signal, Slot

log = logging.getLogger("tbdesk.screenlock")
SCREENSAVERS = [
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
]


class ScreenLockWatcher(QObject):
    locked = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.listening = False
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # no D-Bus on this platform: minimising still hides revealed values
            return
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        for path, interface in SCREENSAVERS:
            # An empty service name accepts the signal from whichever process owns the screensaver.
            # PySide6's stubs want the slot as bytes, but at run time only SLOT()'s str is accepted.
            slot = SLOT("active_changed(bool)")
            if bus.connect("", path, interface, "ActiveChanged", self, slot):  # type: ignore[call-overload]
                self.listening = True
        log.debug("screen-lock signals %s", "watched" if self.listening else "unavailable")

    @Slot(bool)
    def active_changed(self, active: bool) -> None:
        if active:
            self.locked.emit()
