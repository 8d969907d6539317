"""Adding, renaming, rotating and deleting service accounts, each through its dialog.

Every submission is sent once. A write whose outcome is unknown is never re-sent: the truth is read back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..api.errors import ApiError, AuthenticationError, InvalidInput, NotFound
from ..api.models import ServiceAccount
from ..core.wording import describe
from ..gui.dialogs import ActionDialog, DeleteDialog, IdentifierDialog, RotateDialog, submissions
from ..gui.plain import quoted
from .presenter import Presenter
from .session import Session
from .shared import Shared


class AccountActions(QObject):
    pair_ready = Signal(object, bool)  # [ServiceAccount] with a new pair in memory, rotated (else added)
    affected = Signal(int)  # an account was added, renamed or rotated: its id (select it, focus the table)

    def __init__(self, shared: Shared, session: Session, presenter: Presenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.presenter = session, presenter
        self.window, self.messages, self.runner = shared.window, shared.messages, shared.runner
        self.dialogs, self.accounts = shared.dialogs, shared.accounts

    def on_selected(self, action: Callable[[ServiceAccount], Coroutine[Any, Any, None]]) -> None:
        """Run `action` (rename, rotate, delete) on the selected account, one action at a time."""
        if (account := self.presenter.selected()) and self.session.can_manage:
            self.runner.spawn("action", action(account), replace=False)

    def add(self) -> None:
        self.runner.spawn("action", self.add_account(), replace=False)

    async def add_account(self) -> None:
        if not self.session.can_manage:
            return

        def added(account: ServiceAccount) -> None:
            self.accounts.upsert(account)
            self.messages.info(f"Added {quoted(account.identifier)}; hand its key and secret over to its pipeline.")
            self.affected.emit(account.id)  # after: what selecting it had to change (Show, the filter) is said last
            self.pair_ready.emit([account], False)

        dialog = IdentifierDialog(self.window, [a.identifier for a in self.accounts.accounts()])
        await self._act(
            dialog,
            lambda identifier: self.session.require_client().create_service_account(identifier),
            added,
            unknown=self._read_back_create,
        )

    async def _read_back_create(self, identifier: str, exc: ApiError) -> None:
        """The server may or may not have made the account: look, show the truth, never re-send."""
        self.messages.warning(f"{describe(exc)} Checking whether {quoted(identifier)} was created…")
        client = self.session.require_client()
        found = await client.find_service_account(identifier)
        if found is None:
            self.messages.warning(f"{quoted(identifier)} was not created. You can add it again.")
            return
        made = await client.service_account(found.id)
        self.accounts.upsert(made)
        self.messages.info(f"{quoted(identifier)} was created after all; its key and secret are ready to copy.")
        self.affected.emit(found.id)
        self.pair_ready.emit([made], False)

    async def rename_account(self, account: ServiceAccount) -> None:
        def renamed(new: ServiceAccount) -> None:
            self.accounts.upsert(new)
            self.messages.info(
                f"Renamed {quoted(account.identifier)} to {quoted(new.identifier)}; key and secret unchanged."
            )
            self.affected.emit(new.id)

        taken = [a.identifier for a in self.accounts.accounts() if a.id != account.id]
        await self._act(
            IdentifierDialog(self.window, taken, account),
            lambda identifier: self.session.require_client().rename_service_account(account.id, identifier),
            renamed,
            gone=lambda: self.gone(account),
        )

    async def rotate_account(self, account: ServiceAccount) -> None:
        def rotated(new: ServiceAccount) -> None:
            self.accounts.upsert(new)
            self.messages.info(f"New key and secret for {quoted(new.identifier)}; the old pair no longer works.")
            self.affected.emit(new.id)
            self.pair_ready.emit([new], True)

        await self._act(
            RotateDialog(self.window, account, self.accounts.usage(account.id)),
            lambda _id: self.session.require_client().rotate_service_account(account.id),
            rotated,
            unknown=lambda _id, exc: self._read_back_rotation(account, exc),
            gone=lambda: self.gone(account),
        )

    async def _read_back_rotation(self, account: ServiceAccount, exc: ApiError) -> None:
        self.messages.warning(f"{describe(exc)} Checking whether the key of {quoted(account.identifier)} changed…")
        try:
            now = await self.session.require_client().service_account(account.id)
        except NotFound:
            self.gone(account)
            return
        self.accounts.upsert(now)
        if now.key != account.key:
            self.messages.info(f"The key of {quoted(account.identifier)} was rotated; the new pair is shown.")
            self.pair_ready.emit([now], True)
        else:
            self.messages.warning(f"The key of {quoted(account.identifier)} was not rotated. You can try again.")

    async def delete_account(self, account: ServiceAccount) -> None:
        def deleted(_result: Any = None) -> None:
            self.presenter.remove_account(account.id)
            self.messages.info(f"Deleted {quoted(account.identifier)}; its tests keep their label.")

        # A 404 is the outcome the admin asked for: it is gone either way.
        await self._act(
            DeleteDialog(self.window, account, self.accounts.usage(account.id)),
            lambda _id: self.session.require_client().delete_service_account(account.id),
            deleted,
            gone=deleted,
        )

    def gone(self, account: ServiceAccount) -> None:
        self.presenter.remove_account(account.id)
        self.messages.warning(f"{quoted(account.identifier)} no longer exists; another admin deleted it.")

    def _dialog_error(self, dialog: ActionDialog, exc: ApiError) -> None:
        """Show a failed request on its dialog, input kept. A 401 also asks to sign in again on top of it."""
        dialog.show_error(describe(exc))
        if isinstance(exc, AuthenticationError):
            self.runner.spawn("sign-in", self.session.reauthenticate(exc.message), replace=False)

    async def _act(
        self,
        dialog: ActionDialog,
        send: Callable[[Any], Awaitable[Any]],
        done: Callable[[Any], None],
        *,
        unknown: Callable[[Any, ApiError], Awaitable[None]] | None = None,
        gone: Callable[[], None] | None = None,
    ) -> None:
        """One action dialog: each submission is sent once. Success closes it and calls `done`; invalid input
        or a failure stays on it with the input kept; a write of unknown outcome closes it and `unknown`
        reads the truth back; a 404 closes it and calls `gone` (the account went elsewhere)."""
        self.dialogs.track(dialog)
        async for value in submissions(dialog, self.runner.user_wait):
            dialog.set_busy(True)
            try:
                result = await send(value)
            except InvalidInput as exc:
                dialog.set_busy(False)
                dialog.show_error(exc.fields.get("identifier", [exc.message])[0])
                continue
            except NotFound as exc:
                dialog.set_busy(False)
                if gone is None:
                    self._dialog_error(dialog, exc)
                    continue
                dialog.accept()
                gone()
                return
            except ApiError as exc:
                dialog.set_busy(False)
                if exc.outcome_unknown and unknown is not None:
                    dialog.accept()
                    await unknown(value, exc)
                    return
                self._dialog_error(dialog, exc)
                continue
            dialog.set_busy(False)
            dialog.accept()
            done(result)
            return
