"""Where the keyboard focus goes: between the filter box and the accounts table, after an action, and what
a shortcut says when it has nothing to act on.

The rules (KeePassXC's and a file manager's): typing in the filter box narrows the table and selects a
single match; Down or Enter goes into the results; Escape clears the filter. After Add, Rename or Rotate
the affected row is selected and the table has the focus (a hand-over panel, if one opens, has it first
and gives it back to the table when closed), so the next Ctrl+C copies that account's secret.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from ..gui.shortcuts import by_name, key_text
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
    # The filter hid selected rows: Qt dropped them from the selection without its usual signals.
    selection_dropped = Signal()

    def __init__(self, shared: Shared, session: Session, presenter: Presenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session, self.presenter = session, presenter
        self.runner, self.window, self.messages = shared.runner, shared.window, shared.messages
        self.proxy = shared.accounts_proxy
        self._selected_before: tuple[int | None, frozenset[int]] | None = None
        self._hidden: int | None = None  # the account selected when a filter with no match hid it

    # -- the filter box --------------------------------------------------------------------------

    def filter_changed(self, _text: str) -> None:
        """One match left: select it, so Ctrl+C or F2 acts on it without leaving the filter box."""
        if self.proxy.rowCount() == 1:
            index = self.proxy.index(0, 0)
            self.window.accounts_view.selectionModel().setCurrentIndex(index, SELECT_ROW)

    def shown_rows_changing(self) -> None:
        self._selected_before = self._selected_ids()

    def shown_rows_changed(self) -> None:
        """After the filter (or a sort) changed the rows shown. If it hid the selected account, the first
        match is selected instead (as KeePassXC's search does), so the panes below never describe an account
        the table no longer shows; with no match left, nothing is selected and the panes say so."""
        before, self._selected_before = self._selected_before, None
        if before is None or before == self._selected_ids():
            return
        selection = self.window.accounts_view.selectionModel()
        if not selection.currentIndex().isValid() and not selection.selectedRows() and self.proxy.rowCount():
            selection.setCurrentIndex(self.proxy.index(0, 0), SELECT_ROW)
        else:
            self._hidden = before[0] if before[0] is not None else self._hidden
            self.selection_dropped.emit()

    def _selected_ids(self) -> tuple[int | None, frozenset[int]]:
        selection = self.window.accounts_view.selectionModel()
        current = self.presenter.account_at(selection.currentIndex())
        selected = (self.presenter.account_at(i) for i in selection.selectedRows())
        return (current.id if current else None), frozenset(a.id for a in selected if a is not None)

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
        view.scrollTo(index)
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_filter(self) -> None:
        """Escape in the filter box: show every account again, the selection kept and in view (a filter that
        matched nothing had left none: the account selected before it is selected again)."""
        hidden, self._hidden = self._hidden, None
        self.window.filter_edit.clear()
        view = self.window.accounts_view
        current = view.selectionModel().currentIndex()
        if not current.isValid() and hidden is not None:
            self.presenter.select_account(hidden, keep_filter=True)
            current = view.selectionModel().currentIndex()
        if current.isValid():
            view.scrollTo(current)

    def first_screen(self, *_: object) -> None:
        """Every sign-in starts on the first row, as start-up does (signing in again from the dialog left
        nothing selected and the Activity tab empty; QA3): the first arrow key moves a visible selection."""
        selection = self.window.accounts_view.selectionModel()
        if not selection.currentIndex().isValid() and self.proxy.rowCount():
            selection.setCurrentIndex(self.proxy.index(0, 0), SELECT_ROW)

    # -- after an action -------------------------------------------------------------------------

    def focus_account(self, account_id: int) -> None:
        """The affected row selected and the table focused (Add, Rename, Rotate)."""
        self.presenter.select_account(account_id, keep_filter=False)
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
