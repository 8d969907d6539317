"""Closing the window: stop all work, clear what is secret, then close the client and the sandbox."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject

from ..gui.clipboard import ClipboardGuard
from ..gui.models import AccountsModel
from .session import Session
from .sync import Sync
from .tasks import TaskRunner


class Shutdown(QObject):
    def __init__(
        self,
        session: Session,
        runner: TaskRunner,
        sync: Sync,
        clipboard: ClipboardGuard,
        accounts: AccountsModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.sync = sync
        self.clipboard = clipboard
        self.accounts = accounts
        self.closing = False
        self.closed = asyncio.Event()  # the client and the sandbox are closed: the process may exit

    def on_close(self) -> None:
        self.closing = True
        self.sync.stop_polling()
        self.clipboard.clear()
        self.accounts.hide_all()
        self.runner.cancel_all()
        asyncio.get_event_loop().create_task(self._shutdown())

    async def _shutdown(self) -> None:
        if self.session.client is not None:
            await self.session.client.aclose()
            self.session.client = None
        if self.session.sandbox is not None:
            await self.session.sandbox.stop()
        self.closed.set()
