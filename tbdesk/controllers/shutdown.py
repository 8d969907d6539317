"""Quitting, from any state: stop all work, clear what is secret, then close the client and the sandbox.

Ctrl+Q, SIGTERM, SIGINT and closing the window all end here. Whatever is open or running -- the sign-in
dialog after a failed load, an action dialog, a message box, a request that hangs -- tbdesk is gone within
2 s: dialogs are closed rather than waited for, and the client and the sandbox get DEADLINE seconds before
the sandbox is killed.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from .session import Session
from .shared import Shared
from .sync import Sync

log = logging.getLogger("tbdesk.shutdown")
DEADLINE = 1.2  # seconds for the client and the sandbox to close by themselves


class Shutdown(QObject):
    quitting = Signal()  # on the way out: __main__ arms its last-resort timer

    def __init__(self, shared: Shared, session: Session, sync: Sync, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.sync = session, sync
        self.runner, self.clipboard, self.accounts = shared.runner, shared.clipboard, shared.accounts
        self.window: QWidget = shared.window
        self.closing = False
        self.closed = asyncio.Event()  # the client and the sandbox are closed: the process may exit

    def quit(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.quitting.emit()
        self.sync.stop_polling()
        self.clipboard.clear()
        self.accounts.hide_all()
        self.runner.cancel_all()
        # Close, not wait for, whatever dialog is up: done() also ends a busy dialog and a message box's exec().
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.done(QDialog.DialogCode.Rejected)
        if self.window.isVisible():
            self.window.close()  # saves the layout; its closing signal comes back here and is ignored
        asyncio.get_event_loop().create_task(self._shutdown())

    async def _shutdown(self) -> None:
        try:
            async with asyncio.timeout(DEADLINE):
                await self._close()
        except Exception as exc:  # a hanging close must not keep tbdesk alive
            log.warning("closing took too long (%s); stopping the sandbox the hard way", type(exc).__name__)
        finally:
            if self.session.sandbox is not None:
                self.session.sandbox.kill_now()  # nothing left to do if it already stopped
            self.closed.set()

    async def _close(self) -> None:
        client, self.session.client = self.session.client, None
        if client is not None:
            await client.aclose()
        if self.session.sandbox is not None:
            await self.session.sandbox.stop(timeout=DEADLINE / 2)


class QuitKeys(QObject):
    """Ctrl+Q (the platform's Quit keys) anywhere in the app: dialogs, the hand-over panel and open menus
    included.

    The window's Quit action covers the window itself; elsewhere (a dialog blocks the window's shortcuts, a
    panel is a window of its own, a menu takes the keys) key presses are watched here while the focus is
    there (an application event filter sees every key press first). Only then: a Python filter on the whole
    application is handed every event of every object, and the first of Qt's own objects it was handed made
    PySide6 set up every Qt class to find its type (~20 ms, inside signing in; issue #16)."""

    def __init__(self, shutdown: Shutdown, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shutdown = shutdown
        self._watching = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusWindowChanged.connect(self._follow_focus)  # a dialog, panel or menu opened or closed

    def _follow_focus(self, *_: object) -> None:
        app = QApplication.instance()
        elsewhere = QApplication.activePopupWidget() is not None or QApplication.activeWindow() not in (
            None,
            self.shutdown.window,
        )
        if isinstance(app, QApplication) and elsewhere != self._watching:
            (app.installEventFilter if elsewhere else app.removeEventFilter)(self)
            self._watching = elsewhere

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and (event.matches(QKeySequence.StandardKey.Quit) or event.keyCombination().toCombined() == _CTRL_Q)
        ):
            self.shutdown.quit()
            return True
        return False


_CTRL_Q = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Q).toCombined()
