"""What an admin does around a key's life: the "Show" filter (unused, past the policy), leaked-key triage
from the filter box, the hand-over panel, bulk rotation and the preferences. The composition root builds
this and wires the window's signals to its slots; the rules live in tbdesk.lifecycle, .triage, .rotation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QTimer

from ..api import ServiceAccount
from ..lifecycle import UNUSED_DAYS, key_age
from ..preferences import Preferences
from ..rotation import AUTH_FAILED, Outcome, Result, rotate_each
from ..triage import Triage, triage
from .bulk_rotate import BulkRotateDialog, BulkRow
from .handover import HandoverPanel, Pair
from .icons import icon
from .models import AccountsProxy
from .preferences_dialog import PreferencesDialog

if TYPE_CHECKING:
    from ..app import TbDesk

SHOW_CHOICES = (
    ("All accounts", AccountsProxy.ALL),
    (f"Unused (no test in {UNUSED_DAYS} days)", AccountsProxy.UNUSED),
    ("Keys past the rotation policy", AccountsProxy.PAST_POLICY),
)


class CredentialLifecycle(QObject):
    def __init__(self, desk: TbDesk, settings: QSettings) -> None:
        super().__init__(desk)
        self.desk = desk
        self.settings = settings
        self.triaged: Triage | None = None
        self.panel: HandoverPanel | None = None
        self.bulk: BulkRotateDialog | None = None
        combo = desk.window.show_combo
        for text, value in SHOW_CHOICES:
            combo.addItem(text, value)
        desk.accounts.set_policy(desk.preferences.rotation_days)  # the timers already follow the options

    # -- the "Show" filter -----------------------------------------------------------------------

    def show_changed(self, index: int) -> None:
        self.desk.accounts_proxy.set_show(self.desk.window.show_combo.itemData(index) or AccountsProxy.ALL)
        self.desk.refresh_counts()

    def usage_changed(self) -> None:
        """New usage or a new policy moves what "unused" and "past the policy" match."""
        self.desk.accounts_proxy.refilter()
        self.desk.refresh_counts()

    # -- leaked-key triage -----------------------------------------------------------------------

    def filter_changed(self, text: str) -> None:
        desk = self.desk
        own = desk.client_key()
        found = triage(text, desk.accounts.keys(), own) if text.strip() else None
        self.triaged = found
        w = desk.window
        if found is None:
            w.triage_bar.setVisible(False)
            desk.accounts_proxy.set_filter_text(text)
        else:
            ids = frozenset({found.account_id}) if found.account_id is not None else frozenset()
            desk.accounts_proxy.set_only(ids)
            self._show_triage(found)
            if found.extra:
                # What was pasted may hold the secret: keep only the key in the box (and so on screen).
                QTimer.singleShot(0, lambda key=found.key: self._keep_only_key(key))
            if found.account_id is not None:
                desk.select_account(found.account_id, keep_filter=True)
        desk.refresh_counts()

    def _keep_only_key(self, key: str) -> None:
        edit = self.desk.window.filter_edit
        if edit.text() != key and key in edit.text():
            edit.setText(key)
            edit.setCursorPosition(len(key))
            self.desk.messages.info("Only the key is kept in the filter box; the rest of what you pasted was removed.")

    def _show_triage(self, found: Triage) -> None:
        w = self.desk.window
        account = self.desk.accounts.account(found.account_id) if found.account_id is not None else None
        if account is not None:
            text = (
                f"This key belongs to the service account “{account.identifier}”. If it leaked, rotate it now: "
                "the leaked pair stops working at once. (Matched here; nothing was sent.)"
            )
            name = "warning"
        elif found.own:
            text = (
                "This is the key you are signed in with: your personal key, not a service account's. "
                "Reset it on TestingBot's account page."
            )
            name = "warning"
        else:
            text = (
                "No service account of this team has this key: it was rotated or deleted already, or it belongs "
                "to someone else. (Matched against the loaded accounts; nothing was sent.)"
            )
            name = "search"
        w.triage_label.setText(text)
        w.triage_icon.setPixmap(icon(name).pixmap(20, 20))
        w.triage_rotate.setVisible(account is not None)
        w.triage_rotate.setEnabled(account is not None and self.desk.can_manage())
        w.triage_rotate.setText(f"Rotate “{account.identifier}” now…" if account else "Rotate now…")
        w.triage_bar.setAccessibleName("Leaked key")
        w.triage_bar.setVisible(True)

    def triage_rotate(self) -> None:
        """Rotate now (the button, or Enter in the filter box): the usual confirmation, then the hand-over."""
        found = self.triaged
        if found is None or found.account_id is None:
            return
        account = self.desk.accounts.account(found.account_id)
        if account is not None and self.desk.can_manage():
            self.desk.start_action(self.desk.rotate_account(account))

    # -- hand-over -------------------------------------------------------------------------------

    def show_handover(self, accounts: Sequence[ServiceAccount], rotated: bool) -> None:
        """The panel for these accounts; their secrets are in memory (from create or rotate)."""
        pairs = []
        for account in accounts:
            current = self.desk.accounts.account(account.id) or account
            secret = self.desk.accounts.secret(account.id)
            if secret is not None:
                pairs.append(Pair(current.identifier, current.key, secret))
        if not pairs:
            return
        if self.panel is not None:
            self.panel.close()
        self.panel = HandoverPanel(
            self.desk.window,
            pairs,
            self.desk.api_url(),
            self.desk.clipboard,
            rotated=rotated,
            reveal_seconds=self.desk.preferences.reveal_seconds,
        )
        self.panel.destroyed.connect(lambda *_: setattr(self, "panel", None))
        self.panel.show()

    def handover_selected(self) -> None:
        account = self.desk.selected()
        if account is not None:
            self.desk.with_secret(account, lambda _secret: self.show_handover([account], rotated=False))

    def hide_secrets(self) -> None:
        if self.panel is not None:
            self.panel.hide_secret()

    # -- bulk rotation ---------------------------------------------------------------------------

    def rotate_selected(self) -> None:
        """Ctrl+R: one account as before; several in one confirmation."""
        accounts = self.desk.selected_accounts()
        if not self.desk.can_manage() or not accounts:
            return
        if len(accounts) == 1:
            self.desk.start_action(self.desk.rotate_account(accounts[0]))
        else:
            self.desk.start_action(self.rotate_many(accounts))

    def rotate_due(self) -> None:
        policy = self.desk.preferences.rotation_days
        if policy is None:
            self.desk.messages.info("No rotation policy is set (Preferences).")
            return
        due = [a for a in self.desk.accounts.accounts() if key_age(a).past_policy(policy)]
        if not due:
            self.desk.messages.info(f"No key is older than the {policy}-day rotation policy.")
            return
        due.sort(key=lambda a: a.identifier.casefold())
        self.desk.start_action(self.rotate_many(due))

    async def rotate_many(self, accounts: Sequence[ServiceAccount]) -> None:
        model = self.desk.accounts
        rows = [BulkRow(a, key_age(a).text(), model.last_test_text(a), model.usage(a.id)) for a in accounts]
        dialog = BulkRotateDialog(self.desk.window, rows)
        self.bulk = dialog
        self.desk.track_dialog(dialog)
        confirmed = asyncio.Event()
        closed = asyncio.Event()
        stop = asyncio.Event()
        dialog.confirmed.connect(confirmed.set)
        dialog.finished.connect(lambda _r: closed.set())
        dialog.stop_requested.connect(stop.set)
        dialog.handover_requested.connect(
            lambda: self.show_handover([r.now or r.account for r in dialog.rotated()], rotated=True)
        )
        dialog.open()
        await _first(confirmed, closed)
        if not confirmed.is_set():
            return

        def on_result(index: int, result: Result) -> None:
            self._apply_result(result)
            dialog.show_result(index, result)

        results = await rotate_each(self.desk.api(), accounts, on_result, stop)
        dialog.finish()
        done = sum(r.rotated for r in results)
        self.desk.messages.info(f"Rotated {done} of {len(results)} access keys; the results are in the dialog.")
        if any(r.reason == AUTH_FAILED for r in results):
            self.desk.ask_to_sign_in_again()
        await closed.wait()

    def _apply_result(self, result: Result) -> None:
        """Keep the table true after each one: new pairs in, deleted rows out, unknowns as read back."""
        if result.outcome is Outcome.GONE:
            self.desk.accounts.remove(result.account.id)
        elif result.now is not None:
            self.desk.accounts.upsert(result.now)

    # -- preferences -----------------------------------------------------------------------------

    def open_preferences(self) -> None:
        dialog = PreferencesDialog(self.desk.window, self.desk.preferences)
        dialog.accepted.connect(lambda: self.save(dialog.value()))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def save(self, prefs: Preferences) -> None:
        for key, value in prefs.items().items():
            self.settings.setValue(key, value)
        self.settings.sync()
        self.apply(prefs)
        self.desk.messages.info("Preferences saved.")

    def apply(self, prefs: Preferences) -> None:
        """Take effect at once: timers, the clipboard guard, the key-age marks and the filters."""
        desk = self.desk
        desk.preferences = prefs
        desk.set_timeouts(prefs.reveal_seconds, prefs.clipboard_seconds, prefs.poll_seconds)
        desk.accounts.set_policy(prefs.rotation_days)
        self.usage_changed()


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
