"""Where the keyboard focus goes: between the filter box and the accounts table, after an action, and what
a shortcut says when it has nothing to act on.

The rules (KeePassXC's and a file manager's): typing in the filter box narrows the table and selects a
single match; Down or Enter goes into the results; Escape clears the filter. After Add, Rename or Rotate
the affected row is selected and the table has the focus (a hand-over panel, if one opens, has it first
and gives it back to the table when closed), so the next Ctrl+C copies that account's secret.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ..core.first_screen import FirstScreen
from ..gui.shortcuts import by_name, key_text
from .kept_selection import KeptSelection
from .presenter import SELECT_ROW, Presenter
from .session import Session
from .shared import Shared

NEEDS_ADMIN = {
    "add_action",
    "edit_action",
    "rotate_action",
    "delete_action",
    "copy_secret_action",
    "reveal_secret_action",
}
NEEDS_SELECTION = {
    "edit_action",
    "rotate_action",
    "delete_action",
    "copy_key_action",
    "copy_secret_action",
    "reveal_key_action",
    "reveal_secret_action",
}


ACTS_ON = {  # "Ctrl+R rotates the selected service account"
    "edit_action": "renames",
    "rotate_action": "rotates",
    "delete_action": "deletes",
    "copy_key_action": "copies the key of",
    "reveal_key_action": "shows or hides the key of",
    "reveal_secret_action": "shows or hides the secret of",
}


class Navigation(QObject):
    def __init__(
        self, shared: Shared, session: Session, presenter: Presenter, kept: KeptSelection, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session, self.presenter, self.kept = session, presenter, kept
        self.runner, self.window, self.messages = shared.runner, shared.window, shared.messages
        self.proxy = shared.accounts_proxy

    # -- the filter box --------------------------------------------------------------------------

    def filter_changed(self, _text: str) -> None:
        """One match left: select it, so Ctrl+C or F2 acts on it without leaving the filter box. Whatever is
        current stays in view."""
        selection = self.window.accounts_view.selectionModel()
        if self.proxy.rowCount() == 1 and not selection.isRowSelected(0):
            self.kept.pick(self.proxy.index(0, 0))
        self.kept.keep_in_view()

    def into_results(self) -> None:
        """Down or Enter in the filter box: the table gets the focus, on the selected or first match."""
        view = self.window.accounts_view
        if self.proxy.rowCount() == 0:
            self.messages.info("No service account matches the filter.")
            return
        selection = view.selectionModel()
        rows = selection.selectedRows()
        index = rows[0] if rows else self.proxy.index(0, 0)
        selection.setCurrentIndex(index, SELECT_ROW)
        if (account := self.presenter.account_at(index)) is not None:
            self.kept.choose(account.id)
        view.scrollTo(index)
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_screen(self, screen: FirstScreen) -> None:
        """Every sign-in starts on the first row, as start-up does (signing in again from the dialog left
        nothing selected and the Activity tab empty; QA3): the first arrow key moves a visible selection.
        Rows start-up showed before signing in was wired up started there already: a row the admin picked
        since stays picked."""
        if screen.shown:
            self.kept.dropped.emit()  # that selection was made before anything listened: whatever shows it, update
            self.kept.keep_in_view()  # and a sort since (a header click) may have moved it out of sight
            return
        self.kept.start_over()
        selection = self.window.accounts_view.selectionModel()
        if self.proxy.rowCount() and selection.currentIndex().row() != 0:
            self.kept.pick(self.proxy.index(0, 0))

    # -- after an action -------------------------------------------------------------------------

    def focus_account(self, account_id: int) -> None:
        """The affected row selected and the table focused (Add, Rename, Rotate)."""
        self.presenter.select_account(account_id, keep_filter=False)
        self.kept.choose(account_id)
        self.window.accounts_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def row_removed(self, *_: object) -> None:
        """After a delete (or when the table takes the focus) Qt makes a row current without selecting it:
        select it too, so the row the next key acts on is the one highlighted."""
        selection = self.window.accounts_view.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and not selection.selectedRows():
            selection.select(current, SELECT_ROW)

    # -- shortcuts with nothing to act on --------------------------------------------------------

    def elsewhere(self, name: str) -> None:
        """An account shortcut pressed in the tests table: say what it acts on and how to get there."""
        entry = by_name(name)
        if entry is None:
            return
        keys, go = key_text(entry), "go to the accounts table (Ctrl+F, then Down)"
        if name == "copy_secret_action":
            self.messages.info(f"{keys} here copies the cell; secrets are copied in the accounts table (Ctrl+F, Down).")
        else:
            self.messages.info(f"{keys} {ACTS_ON.get(name, 'acts on')} the selected service account: {go}.")

    def unavailable(self, name: str) -> None:
        """A shortcut was pressed while its action is off: say why, in the status bar."""
        entry = by_name(name)
        keys = key_text(entry) if entry else ""
        what = entry.does.split(" (")[0].rstrip(".") if entry else "That"
        if self.session.client is None:
            reason = "you are not signed in (File → Sign in…)"
        elif name in NEEDS_ADMIN and not self.session.can_manage:
            role = self.session.user.role if self.session.user and self.session.user.role else "member"
            reason = f"only team admins manage service accounts, and you are signed in as a {role}"
        elif self.runner.running("action"):
            reason = "another action is still running"
        elif name in NEEDS_SELECTION and self.presenter.selected() is None:
            reason = "no service account is selected (pick one in the table, or filter and press Enter)"
        else:
            reason = "it is not available right now"
        self.messages.info(f"{keys}: {what[0].lower() + what[1:]} — not now: {reason}.")
