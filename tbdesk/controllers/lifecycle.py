"""What an admin does around a key's life: the "Show" filter (unused accounts, keys past the rotation
policy), leaked-key triage from the filter box, the hand-over panel after Add and Rotate, and bulk rotation.

The rules live in tbdesk/core (lifecycle, triage, rotation, snippets); this module connects them to the
window. Nothing pasted into the filter box is sent anywhere: triage matches the keys already loaded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer

from ..api.errors import NotFound
from ..api.models import ServiceAccount
from ..core.lifecycle import UNUSED_DAYS, key_age
from ..core.rotation import AUTH_FAILED, Outcome, Result, rotate_each
from ..core.triage import KEY_LENGTH, Triage, key_tokens, may_hold_key, triage
from ..gui import format as fmt
from ..gui.bulk_rotate import BulkRotateDialog, BulkRow
from ..gui.handover import HandoverPanel, Pair
from ..gui.icons import icon
from ..gui.plain import mnemonic, quoted
from ..gui.shown_accounts import AccountsProxy
from .actions import AccountActions
from .presenter import Presenter
from .reveal import CredentialDisplay
from .session import Session
from .shared import Shared

KEPT_ONLY_THE_KEY = "Only the key was kept in the filter box; the rest of what you pasted was removed."
KEPT_ONLY_THE_KEYS = "Only the keys found were kept in the filter box; the rest of what you pasted was removed."
KEPT_KEYS_AND_SECRETS = (
    "Only the keys and secrets found were kept in the filter box; the rest of what you pasted was removed."
)
KEPT_NOTES = (KEPT_ONLY_THE_KEY, KEPT_ONLY_THE_KEYS, KEPT_KEYS_AND_SECRETS)
FIND_AT_MOST = 200  # "Find its owner" reads one account per request: no more than this many
FIND_TASK = "find-owner"
MAX_NAMED = 5  # accounts named in the banner; the bulk rotation dialog lists them all


class CredentialLifecycle(QObject):
    def __init__(
        self,
        shared: Shared,
        session: Session,
        presenter: Presenter,
        actions: AccountActions,
        credentials: CredentialDisplay,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.presenter, self.actions, self.credentials = session, presenter, actions, credentials
        self._kept_key: str | None = None  # the key a paste was cut down to (its note goes when the text changes)
        # Each key or secret matched here (folded) -> its account and that account's name then: once it matches
        # nothing it is known dead (rotated, or deleted with its name).
        self._matched: dict[str, tuple[int, bool, str]] = {}
        self._finding: tuple[int, int] | None = None  # "Find its owner" under way: (checked, to check)
        self._nowhere: str | None = None  # the (folded) value "Find its owner" found in no account
        self.runner, self.dialogs, self.window, self.messages = (
            shared.runner,
            shared.dialogs,
            shared.window,
            shared.messages,
        )
        self.accounts, self.proxy, self.clipboard = shared.accounts, shared.accounts_proxy, shared.clipboard
        self.triaged: Triage | None = None
        self.panel: HandoverPanel | None = None
        self._said_short = False  # the "history too short" note is showing
        for changed in (
            self.accounts.dataChanged,
            self.accounts.rowsInserted,
            self.accounts.rowsRemoved,
            self.accounts.modelReset,
        ):
            changed.connect(self._recheck)

    # -- the "Show" filter -----------------------------------------------------------------------

    def show_changed(self, index: int) -> None:
        self.proxy.set_show(self.window.show_combo.itemData(index) or AccountsProxy.ALL)
        self.presenter.accounts_changed()
        self._say_if_history_is_short()

    def usage_changed(self) -> None:
        """New usage or a new policy moves what "unused" and "past the policy" match."""
        self.proxy.refilter()
        self.presenter.accounts_changed()
        self._say_if_history_is_short()

    def _say_if_history_is_short(self) -> None:
        """Listing unused accounts from a history that does not reach back 30 days: say why some are missing."""
        history = self.accounts.history
        since = datetime.now(UTC) - timedelta(days=UNUSED_DAYS)
        short = self.proxy.showing == AccountsProxy.UNUSED and self.accounts.usage_loaded and not history.covers(since)
        said, self._said_short = self._said_short, short
        if short and not said:  # once when it becomes true, not at every poll
            reach = f"to {fmt.local(history.reaches_back_to)}" if history.reaches_back_to else "nowhere"
            self.messages.warning(
                f"The loaded tests reach back only {reach}: accounts with no test since then read “none since …”, "
                f"not unused, until tests from the last {UNUSED_DAYS} days are loaded."
            )

    # -- leaked-key triage -----------------------------------------------------------------------

    def filter_changed(self, text: str) -> None:
        self._stop_finding()  # looking for the owner of what the box held before
        found = self._triage(text)
        self.triaged = found
        bar = self.window.statusBar()
        if text != self._kept_key and bar.currentMessage() in KEPT_NOTES:
            bar.clearMessage()  # about an earlier paste, not what the box holds now
        self._apply_triage(text, found)
        if found is not None and found.extra and _holds_a_key(found):
            # What was pasted may hold the secret: keep only the keys found in the box, and so on screen.
            kept = " ".join(m.token for m in found.matches) if found.matches else found.key
            with_secret = any(m.secret for m in found.matches)  # QA6: the note said "keys" over a secret
            QTimer.singleShot(0, lambda: self._keep_only_key(kept, with_secret))
        if found is not None and found.account_id is not None:
            self.presenter.select_account(found.account_id, keep_filter=True)
        self.presenter.accounts_changed()

    def _triage(self, text: str) -> Triage | None:
        # The key index is built only for text that may hold a key: typing an identifier stays cheap.
        if not may_hold_key(text):
            return None
        found = triage(text, self.accounts.keys(), self.session.own_key, self.accounts.secrets())
        if found is None:
            return None
        for match in found.matches:
            account = self.accounts.account(match.account_id)
            name = account.identifier if account is not None else ""
            self._matched[match.token.lower()] = (match.account_id, match.secret, name)
        if found.own:
            return found
        # Keys or secrets that matched here before and match nothing now: rotated or deleted since.
        live = {m.token.lower() for m in found.matches}
        gone: dict[int, bool] = {}
        for token in key_tokens(text):
            low = token.lower()
            # Matched here before, or shown in the table before a rotation or delete of this session.
            known = self._matched.get(low) or self.accounts.retired.get(low)
            if known is not None and low not in live:
                account_id, secret, _name = known
                if all(m.account_id != account_id for m in found.matches):
                    gone.setdefault(account_id, secret)
        if not gone:
            return found
        if found.account_id is not None:
            return replace(found, gone=tuple(gone))
        first, secret = next(iter(gone.items()))
        return Triage(found.key, extra=found.extra, secret=secret, was_account_id=first, gone=tuple(gone))

    def _apply_triage(self, text: str, found: Triage | None) -> None:
        # The no-match notice must not quote it: it may be a secret, or a key cut short.
        self.presenter.filter_is_credential = found is not None
        if found is None or found.near_miss is not None:
            self.proxy.set_filter_text(text)
        else:
            # The owners alone; once rotated, the owners still (with their new keys), where they now stand.
            self.proxy.set_only(frozenset(m.account_id for m in found.matches) | frozenset(found.gone))
        if found is None:
            self.window.triage_bar.setVisible(False)
            self.presenter.update_actions()
        else:
            self._show_triage(found)

    def _recheck(self, *_: object) -> None:
        """The accounts changed (a rotation here or elsewhere, a delete, a poll): a key in the filter box may
        have stopped working. Say so, and offer no second rotation."""
        if self.triaged is None:
            return
        text = self.window.filter_edit.text()
        found = self._triage(text)
        if found != self.triaged:
            self.triaged = found
            self._apply_triage(text, found)
            self.presenter.accounts_changed()

    def _keep_only_key(self, kept: str, with_secret: bool = False) -> None:
        """`kept`: the key, or the keys (and secrets) found, separated by spaces: none of them is dropped."""
        edit = self.window.filter_edit
        if edit.text() != kept and all(token in edit.text() for token in kept.split()):
            self._kept_key = kept
            edit.setText(kept)
            if with_secret:
                self.messages.info(KEPT_KEYS_AND_SECRETS)
            else:
                self.messages.info(KEPT_ONLY_THE_KEYS if " " in kept else KEPT_ONLY_THE_KEY)

    def _show_triage(self, found: Triage) -> None:
        w = self.window
        owners = self._owners(found)
        if owners:
            text = self._owners_text(found, owners)
        elif found.gone:
            text = self._gone_text(found.gone, "secret" if found.secret else "key")
        elif found.near_miss is not None:
            text = (
                f"This does not look like a TestingBot key: keys and secrets are {KEY_LENGTH} characters (digits "
                f"and a–f), this one is {found.near_miss}. Check that it was copied whole."
            )
        elif found.own:
            text = (
                "This is the key you are signed in with: your own key, not a service account's. "
                "Reset it on TestingBot's account page."
            )
        elif not self.session.can_manage:
            text = (
                "Only team admins see service accounts' keys, so this key cannot be looked up here. "
                "Ask an admin to paste it into tbdesk and rotate it."
            )
        else:
            text = self._unknown_text(found)
        w.triage_label.setText(text)
        w.triage_icon.setPixmap(icon("warning" if found.found else "search").pixmap(20, 20))
        w.triage_rotate.setVisible(bool(owners))
        if len(owners) == 1:
            w.triage_rotate.setText(mnemonic(f"Rotate {quoted(owners[0].identifier)} now…"))
        else:
            w.triage_rotate.setText(mnemonic(f"Rotate all {len(owners)} now…" if owners else "Rotate now…"))
        can_find = self._can_find(found)
        if w.triage_find.hasFocus() and owners:
            w.triage_rotate.setFocus()  # found: Space or Enter goes on to rotate it
        w.triage_find.setVisible(can_find or self._finding is not None)
        w.triage_find.setText("Stop l&ooking" if self._finding is not None else "Find its &owner")
        w.triage_bar.setVisible(True)
        self.presenter.update_actions()

    def _unknown_text(self, found: Triage) -> str:
        if self._finding is not None:
            checked, total = self._finding
            return (
                f"Looking for the account it belongs to: {checked} of {total} service accounts checked. Each one's "
                "secret is read and compared here, never shown or kept."
            )
        if self._nowhere == found.key.lower():
            return (
                "No service account of this team has this key or secret: each account's current pair was read and "
                "compared. It was rotated or deleted already, or it is not this team's."
            )
        # Not "rotated or deleted already": an unloaded secret looks just the same, and may still work.
        # Three lines at most in a small window at 2x: the banner does not grow.
        text = (
            "No service account of this team has this key. If it is a secret, tbdesk cannot tell whose: it knows "
            "only secrets revealed or copied this session. Rotate the account it came from"
        )
        if self._can_find(found):
            count = len(self._unread())
            text += (
                f", or use Find its owner (it reads the secrets of the {count} accounts not loaded, one request "
                "each; none is shown)."
            )
        elif len(self._unread()) > FIND_AT_MOST:
            text += f" (over {FIND_AT_MOST} accounts: too many to look its owner up one by one)."
        else:
            text += "."
        return text + " Nothing was sent."

    def _unread(self) -> list[ServiceAccount]:
        """The accounts whose secret is not in memory: the ones "Find its owner" has to read."""
        return [a for a in self.accounts.accounts() if self.accounts.secret(a.id) is None]

    def _can_find(self, found: Triage) -> bool:
        unknown = not (found.found or found.gone or found.own) and found.near_miss is None
        return (
            unknown
            and self._finding is None
            and self._nowhere != found.key.lower()
            and self.session.can_manage
            and 0 < len(self._unread()) <= FIND_AT_MOST
        )

    def find_owner(self) -> None:
        """Find its owner (or Stop looking): read the secret of each account not loaded yet, one request at
        a time, until one matches what was pasted. Cancelled by Stop, or by anything new in the filter box."""
        found = self.triaged
        if self.runner.running(FIND_TASK):
            self._stop_finding()
            if found is not None:
                self._show_triage(found)
        elif found is not None and self._can_find(found):
            self.runner.spawn(FIND_TASK, self._find_owner(found), replace=False)

    def _stop_finding(self) -> None:
        self.runner.cancel(FIND_TASK)
        self._finding = None  # now, not once the task has noticed: the banner may be redrawn before that

    async def _find_owner(self, found: Triage) -> None:
        wanted = found.key.lower()
        unread = self._unread()
        client = self.session.require_client()
        self._finding = (0, len(unread))
        self._show_triage(found)
        try:
            for checked, account in enumerate(unread, 1):
                try:
                    full = await client.service_account(account.id)
                except NotFound:
                    continue  # deleted meanwhile: not its account
                if wanted in (full.key.lower(), (full.secret or "").lower()):
                    self._finding = None
                    self.accounts.upsert(full)  # its secret kept in memory, as after a reveal: triage matches it
                    self._recheck()
                    self.presenter.select_account(full.id, keep_filter=True)
                    return
                self._finding = (checked, len(unread))  # the secrets that did not match are not kept
                if self._still_showing(wanted):
                    self._show_triage(found)
            self._nowhere = wanted
        finally:
            if self._still_showing(wanted):
                self._finding = None
                self._show_triage(self.triaged or found)

    def _still_showing(self, folded: str) -> bool:
        return self.triaged is not None and self.triaged.key.lower() == folded

    def _owners_text(self, found: Triage, owners: Sequence[ServiceAccount]) -> str:
        names = {a.id: a.identifier for a in owners}
        matches = [m for m in found.matches if m.account_id in names]
        if len(matches) == 1:
            what = "secret" if matches[0].secret else "key"
            text = (
                f"This is the {what} of the service account {quoted(names[matches[0].account_id], 32)}. If it "
                "leaked, rotate it now: the leaked pair stops working at once."
            )
        else:
            listed = [f"{quoted(names[m.account_id], 32)} ({'secret' if m.secret else 'key'})" for m in matches]
            shown = ", ".join(listed[:MAX_NAMED]) + (
                f" and {len(listed) - MAX_NAMED} more" if len(listed) > MAX_NAMED else ""
            )
            text = (
                f"This paste holds the credentials of {len(matches)} service accounts: {shown}. If it leaked, "
                "rotate them all now: each leaked pair stops working at once."
            )
        if any(m.case_differs for m in matches):
            text += " (Pasted in other letter case: a leak all the same.)"
        if found.gone:
            text += " " + self._gone_text(found.gone, "credential", also=True)
        return text + " (Matched on this computer; nothing was sent.)"

    def _gone_text(self, gone: Sequence[int], what: str, also: bool = False) -> str:
        """Keys or secrets that matched here earlier and match nothing now, named by their accounts."""
        said = []
        for account_id in gone:
            account = self.accounts.account(account_id)
            if account is not None:
                said.append(f"{quoted(account.identifier, 32)} was rotated and has a new key and secret")
            else:
                name = self._matched_name(account_id)
                said.append(
                    f"its service account {quoted(name, 32)} was deleted" if name else "its service account was deleted"
                )
        if also:
            return f"Also in the paste, no longer working: {'; '.join(said)}."
        if len(said) == 1:
            shown = " (shown below)" if self.accounts.account(gone[0]) is not None else ""
            return f"This {what} no longer works: {said[0]}{shown}. Nothing more to do for this {what}."
        return f"These credentials no longer work: {'; '.join(said)}. Nothing more to do for them."

    def _matched_name(self, account_id: int) -> str:
        known = [*self._matched.values(), *self.accounts.retired.values()]
        return next((name for i, _s, name in known if i == account_id and name), "")

    def triaged_accounts(self) -> list[ServiceAccount]:
        """Every service account the filter box holds a working credential of, in paste order."""
        return self._owners(self.triaged) if self.triaged is not None else []

    def _owners(self, found: Triage) -> list[ServiceAccount]:
        return [a for m in found.matches if (a := self.accounts.account(m.account_id)) is not None]

    def triaged_account(self) -> ServiceAccount | None:
        owners = self.triaged_accounts()
        return owners[0] if owners else None

    def triage_rotate(self) -> None:
        """Rotate now (the button, or Enter in the filter box): the usual confirmation, then the hand-over;
        several accounts in one bulk confirmation."""
        owners = self.triaged_accounts()
        if not owners or not self.session.can_manage:
            return
        work = self.actions.rotate_account(owners[0]) if len(owners) == 1 else self.rotate_many(owners)
        self.runner.spawn("action", work, replace=False)

    # -- hand-over -------------------------------------------------------------------------------

    def show_handover(self, accounts: Sequence[ServiceAccount], rotated: bool, new: bool = True) -> None:
        """The panel for these accounts; their secrets are in memory (they came with create or rotate, or
        were fetched to hand over a pair as it is: not `new`)."""
        pairs = []
        for account in accounts:
            current = self.accounts.account(account.id) or account
            secret = self.accounts.secret(account.id)
            if secret is not None:
                pairs.append(Pair(current.identifier, current.key, secret))
        if not pairs:
            return
        if self.panel is not None:
            self.panel.close()
        panel = HandoverPanel(
            self.window,
            pairs,
            self.session.api_url,
            self.clipboard,
            rotated=rotated,
            new=new,
            reveal_seconds=self.credentials.reveal_timer.interval() // 1000,
        )
        panel.destroyed.connect(lambda *_: self._panel_gone(panel))
        panel.finished.connect(lambda _r: self.window.activateWindow())  # the focus goes back to the table
        self.panel = panel
        panel.show()
        panel.raise_()
        panel.activateWindow()  # the keys go to the panel first (without a window manager too), then the table

    def _panel_gone(self, panel: HandoverPanel) -> None:
        if self.panel is panel:
            self.panel = None

    def handover_selected(self) -> None:
        """The panel for the selected account at any time (its secret is fetched if not in memory)."""
        account = self.presenter.selected()
        if account is not None and self.session.can_manage:
            self.credentials.with_secret(
                account, lambda _secret: self.show_handover([account], rotated=False, new=False)
            )

    def hide_secrets(self) -> None:
        if self.panel is not None:
            self.panel.hide_secret()

    def close_panel(self) -> None:
        """Signed out: the last user's new pairs leave the screen and memory."""
        self.runner.cancel(FIND_TASK)
        self._matched.clear()  # the last user's account names
        self.accounts.retired.clear()  # and credentials (signing out emptied the table, which retired them all)
        self._nowhere = None
        if self.panel is not None:
            self.panel.close()

    # -- bulk rotation ---------------------------------------------------------------------------

    def rotate_selected(self) -> None:
        """Ctrl+R: one account as before; several in one confirmation."""
        accounts = self.presenter.selected_accounts()
        if not self.session.can_manage or not accounts:
            return
        work = self.actions.rotate_account(accounts[0]) if len(accounts) == 1 else self.rotate_many(accounts)
        self.runner.spawn("action", work, replace=False)

    def rotate_due(self) -> None:
        policy = self.accounts.policy_days
        if not self.session.can_manage:
            return
        if policy is None:
            self.messages.info("No rotation policy is set (File → Preferences).")
            return
        due = sorted(
            (a for a in self.accounts.accounts() if key_age(a).past_policy(policy)),
            key=lambda a: a.identifier.casefold(),
        )
        if not due:
            self.messages.info(f"No key is older than the {policy}-day rotation policy.")
            return
        self.runner.spawn("action", self.rotate_many(due), replace=False)

    async def rotate_many(self, accounts: Sequence[ServiceAccount]) -> None:
        """One confirmation, then each rotation sent once; "Retry" starts a new round for the rest. Every
        pair rotated in any round stays offered for hand-over until the dialog closes."""
        rotated: list[ServiceAccount] = []
        while accounts:
            accounts = await self._rotate_round(accounts, rotated)

    async def _rotate_round(
        self, accounts: Sequence[ServiceAccount], rotated: list[ServiceAccount]
    ) -> list[ServiceAccount]:
        rows = [
            BulkRow(a, key_age(a).text(), self.accounts.last_test_text(a), self.accounts.usage(a.id)) for a in accounts
        ]
        dialog = BulkRotateDialog(self.window, rows, earlier=len(rotated))
        self.dialogs.track(dialog)
        confirmed, closed, stop = asyncio.Event(), asyncio.Event(), asyncio.Event()
        retry, handover = asyncio.Event(), asyncio.Event()
        dialog.confirmed.connect(confirmed.set)
        dialog.retry_requested.connect(retry.set)
        dialog.handover_requested.connect(handover.set)
        dialog.finished.connect(lambda _r: closed.set())
        dialog.stop_requested.connect(stop.set)
        dialog.open()
        self.runner.user_wait(True)  # no busy mark while the admin reads the list
        try:
            await _first(confirmed, closed)
        finally:
            self.runner.user_wait(False)
        if not confirmed.is_set():
            return []

        def on_result(index: int, result: Result) -> None:
            self._apply(result)
            dialog.show_result(index, result)

        results = await rotate_each(self.session.require_client(), accounts, on_result, stop)
        rotated.extend(r.now or r.account for r in results if r.rotated)
        dialog.finish()
        done = sum(r.rotated for r in results)
        if dialog.isVisible():
            self.messages.info(f"Rotated {done} of {len(results)} access keys; each one's result is in the dialog.")
        else:
            self.messages.info(f"Rotated {done} of {len(results)} access keys.")
        if any(r.reason == AUTH_FAILED for r in results):
            self.runner.auth_failed.emit("Your key and secret were not accepted.")
        while True:
            self.runner.user_wait(True)  # reading the results is not work in progress
            try:
                await _first(closed, retry, handover)
            finally:
                self.runner.user_wait(False)
            if not handover.is_set():
                break
            handover.clear()
            if not dialog.to_retry():  # nothing left to retry: the results have done their job
                dialog.accept()
                self.show_handover(rotated, rotated=True)
                return []
            # The modal dialog steps aside (hidden, not closed): the panel then opens on top, with the focus,
            # and stays usable; once it closes the results and "Retry N not rotated…" come back.
            dialog.hide()
            self.show_handover(rotated, rotated=True)
            panel = self.panel
            if panel is not None:
                gone = asyncio.Event()
                panel.finished.connect(lambda _r, e=gone: e.set())
                panel.destroyed.connect(lambda *_, e=gone: e.set())
                self.runner.user_wait(True)
                try:
                    await _first(gone, closed)
                finally:
                    self.runner.user_wait(False)
            if closed.is_set() or not self.session.can_manage:  # signed out meanwhile: nothing to come back to
                dialog.accept()
                return []
            dialog.open()
            dialog.raise_()
            dialog.activateWindow()
            dialog.retry.setFocus()
        if not retry.is_set():
            return []
        dialog.accept()
        # The rows as they are now (a read-back may have changed them), still present.
        return [a for r in dialog.to_retry() if (a := self.accounts.account(r.account.id)) is not None]

    def _apply(self, result: Result) -> None:
        """Keep the table true after each one: new pairs in, deleted rows out, unknowns as read back."""
        if result.outcome is Outcome.GONE:
            self.accounts.remove(result.account.id)
        elif result.now is not None:
            self.accounts.upsert(result.now)


def _holds_a_key(found: Triage) -> bool:
    """A paste whose matches are all secrets stays as pasted: cutting it would keep only a secret anyway."""
    return any(not m.secret for m in found.matches) if found.matches else not found.secret


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
