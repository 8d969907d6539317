"""Showing and copying credentials: keys, secrets (fetched on demand), env lines and hub URLs.

Revealed values hide again after the reveal timeout; copies go through the ClipboardGuard, which marks
them sensitive and clears them after its own timeout.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..api.errors import NotFound, PermissionDenied
from ..api.models import ServiceAccount
from ..core.snippets import KEY_VAR, SECRET_VAR, hub_url
from ..core.wording import describe
from ..gui import plain
from ..gui.models import AccountCol
from .session import Session
from .shared import Shared


class CredentialDisplay(QObject):
    announce = Signal(str)  # "Key of “ci-runner” shown": for screen readers, once per change, never a value

    def __init__(
        self,
        shared: Shared,
        session: Session,
        reveal_timeout: int,
        gone: Callable[[ServiceAccount], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.window, self.messages, self.runner = shared.window, shared.messages, shared.runner
        self.accounts, self.clipboard = shared.accounts, shared.clipboard
        self._gone = gone
        self.reveal_timer = QTimer(self)
        self.reveal_timer.setSingleShot(True)
        self.reveal_timer.setInterval(reveal_timeout * 1000)
        self.reveal_timer.timeout.connect(self.hide_all)
        self.clipboard.countdown.connect(self._clipboard_countdown)

    def reveal(self, account: ServiceAccount | None, col: int) -> None:
        """Toggle showing the key or secret of `account` in its cell."""
        if account is None:
            return
        if self.accounts.is_revealed(account.id, col):
            self.accounts.set_revealed(account.id, col, False)
            self.announce.emit(f"{self._what(col)} of {plain.quoted(account.identifier)} hidden.")
        elif col == AccountCol.KEY:
            self._show(account.id, col)
        else:
            self._with_secret(account, lambda _secret: self._show(account.id, col))

    def copy(self, account: ServiceAccount | None, col: int) -> None:
        if account is None:
            return
        if col == AccountCol.KEY:
            self.clipboard.copy(account.key, f"Key of {plain.quoted(account.identifier, 32)}")
        else:
            self._with_secret(
                account, lambda secret: self.clipboard.copy(secret, f"Secret of {plain.quoted(account.identifier, 32)}")
            )

    def copy_snippet(self, account: ServiceAccount | None, kind: str) -> None:
        """kind "env": the environment variables; "hub": the Selenium hub URL with the pair in it."""
        if account is None:
            return

        def copy(secret: str) -> None:
            current = self.accounts.account(account.id) or account  # the key may have just changed
            if kind == "env":
                text, label = f"{KEY_VAR}={current.key} {SECRET_VAR}={secret}", "Environment variables"
            else:
                text, label = hub_url(self.session.api_url, current.key, secret), "Hub URL"
            self.clipboard.copy(text, f"{label} of {plain.quoted(account.identifier, 32)}")

        self._with_secret(account, copy)

    def with_secret(self, account: ServiceAccount, then: Callable[[str], None]) -> None:
        """`then(secret)` now or once fetched (the hand-over panel of an account added long ago)."""
        self._with_secret(account, then)

    def hide_all(self) -> None:
        """The reveal timeout, minimising or a screen lock: hide every revealed value (said once)."""
        if self.accounts.any_revealed():
            self.accounts.hide_all()
            self.announce.emit("Revealed keys and secrets are hidden again.")

    @staticmethod
    def _what(col: int) -> str:
        return "Key" if col == AccountCol.KEY else "Secret"

    def _show(self, account_id: int, col: int) -> None:
        self.accounts.set_revealed(account_id, col, True)
        self.reveal_timer.start()  # everything hides again after the timeout
        if account := self.accounts.account(account_id):
            self.announce.emit(f"{self._what(col)} of {plain.quoted(account.identifier)} shown in its cell.")

    def _with_secret(self, account: ServiceAccount, then: Callable[[str], None]) -> None:
        """Call `then(secret)` now if we have it, else after fetching it with a busy mark in its cell."""
        secret = self.accounts.secret(account.id)
        if secret is not None:
            then(secret)
        elif not self.runner.running(f"secret:{account.id}"):
            self.accounts.set_busy(account.id, AccountCol.SECRET, True)
            self.runner.spawn(f"secret:{account.id}", self._fetch_secret(account, then))

    async def _fetch_secret(self, account: ServiceAccount, then: Callable[[str], None]) -> None:
        try:
            full = await self.session.require_client().service_account(account.id)
        except NotFound:
            self._gone(account)
            return
        except PermissionDenied as exc:
            self.messages.error(describe(exc))
            return
        finally:
            self.accounts.set_busy(account.id, AccountCol.SECRET, False)
        if full.key != account.key:  # rotated elsewhere since the list was loaded
            self.messages.info(
                f"The key of {plain.quoted(account.identifier)} was rotated elsewhere; showing the current pair."
            )
        self.accounts.upsert(full)  # keeps the secret in memory for the next reveal or copy
        if full.secret is not None:
            then(full.secret)

    def _clipboard_countdown(self, label: str, left: int) -> None:
        # "Secret copied · clears in 19 s": whose is in the tooltip (the message beside it needs the room).
        what = label.partition(" of ")[0]
        self.window.clipboard_label.setText(f"{what} copied · clears in {left} s" if left else "")
        self.window.clipboard_label.setToolTip(plain.tooltip(label) or "")
