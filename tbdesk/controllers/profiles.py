"""File menu: Sign in…, Switch profile (the stored profiles) and Sign out.

Changing who is signed in clears a pending copy first (the last account's key or hub URL must not be pasted
into the next session), after asking when there is one.
"""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from ..credentials import CredentialStore, KeyringUnavailable, Profile
from ..gui.clipboard import ClipboardGuard
from ..gui.messages import MessageBridge
from ..gui.window import MainWindow
from .session import Session
from .tasks import TaskRunner

LOCKED_PROFILE = "The keyring is locked: its stored key and secret could not be read."


class Profiles(QObject):
    def __init__(
        self,
        session: Session,
        runner: TaskRunner,
        store: CredentialStore,
        window: MainWindow,
        messages: MessageBridge,
        clipboard: ClipboardGuard,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.store = store
        self.window = window
        self.messages = messages
        self.clipboard = clipboard
        self.question: QMessageBox | None = None  # the open confirmation, for tests

    def refresh_menu(self) -> None:
        try:
            names = [p.name for p in self.store.profiles()]
        except OSError:
            names = []
        current = self.session.profile.name if self.session.profile else None
        self.window.set_profiles(names, current)

    def sign_in(self) -> None:
        self.runner.spawn("sign-in", self._sign_in(), replace=False)

    async def _sign_in(self) -> None:
        if await self._may_leave():
            await self.session.sign_in_dialog(self.session.api_url, self.session.refusal)

    def switch(self, name: str) -> None:
        self.runner.spawn("sign-in", self._switch(name), replace=False)

    async def _switch(self, name: str) -> None:
        if not await self._may_leave():
            self.refresh_menu()  # undo the menu's check mark
            return
        profile = next((p for p in self.store.profiles() if p.name == name), Profile(name))
        cancelled: KeyringUnavailable | None = None
        try:
            creds = await asyncio.to_thread(self.store.load, name)
        except KeyringUnavailable as exc:
            self.messages.warning(exc.message)
            creds, cancelled = None, exc if exc.cancelled else None
        problem = None
        if creds is None:  # not stored, or stored in a keyring that stayed locked: not the same thing (QA14)
            locked = cancelled is not None and cancelled.reason == "locked"
            problem = LOCKED_PROFILE if locked else "No stored key and secret for this profile."
        if creds is not None:
            self.session.stopped.emit()
            problem = await self.session.try_sign_in(creds, profile, remember=False)
        if problem is None:
            with contextlib.suppress(OSError):  # not remembered is no reason to undo a switch that worked
                await asyncio.to_thread(self.store.set_last_profile, name)  # the next start opens it
        else:
            # The keyring's prompt was just cancelled: the dialog says so without showing it again.
            await self.session.sign_in_dialog(
                profile.api_url,
                f"Profile “{name}”: {problem}",
                profile=name,
                keyring_problem=cancelled.message if cancelled else None,
            )
        self.refresh_menu()

    def sign_out(self) -> None:
        self.runner.spawn("sign-in", self._sign_out(), replace=False)

    async def _sign_out(self) -> None:
        if await self._may_leave():
            await self.session.sign_out()
            self.refresh_menu()

    async def _may_leave(self) -> bool:
        """True to go on. A pending copy is cleared first, after the admin agreed to lose it."""
        if not self.clipboard.holding:
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Clear the copied credential?",
            f"{self.clipboard.label} is still on the clipboard. Signing out or switching clears it, so it "
            "cannot be pasted into the next session.",
            QMessageBox.StandardButton.NoButton,
            self.window,
        )
        go = box.addButton("Clear it and continue", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        done: asyncio.Future[int] = asyncio.get_event_loop().create_future()
        box.finished.connect(lambda r: None if done.done() else done.set_result(r))

        def copy_ended(_label: str, left: int) -> None:
            # Cleared by its timer (or replaced) while asking: there is nothing left to ask about.
            if left == 0 and not self.clipboard.holding and not done.done():
                done.set_result(-1)

        self.clipboard.countdown.connect(copy_ended)
        self.question = box
        box.open()
        self.runner.user_wait(True)  # a question, not work: no busy mark
        try:
            await done
        finally:
            self.clipboard.countdown.disconnect(copy_ended)
            self.runner.user_wait(False)
            self.question = None
            box.close()
            box.deleteLater()
            self.window.activateWindow()  # the keys go back to where they were
        if done.result() == -1:
            return True
        if box.clickedButton() is not go:
            return False
        self.clipboard.clear()
        return True
