"""View state: counts, which actions are enabled, the selection and the accounts' row menu."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from .. import __version__
from ..api.models import ServiceAccount
from ..gui import plain
from ..gui.models import ROW_ROLE, AccountCol, TestsProxy
from ..gui.shown_accounts import AccountsProxy
from ..gui.views import Views, set_up_views
from ..gui.window import READ_ONLY_TIP
from .session import Session
from .shared import Shared


def read_only_notice(name: str, role: str | None) -> str:
    """What a member or viewer sees in place of the accounts: who they are and what they may do."""
    return (
        f"You are signed in as {name}, a {role or 'team member'}: this session is read-only. The owner and "
        "the team's admins see and manage service accounts; ask one of them for a pipeline's key."
    )


SIGNED_OUT_NOTICE = "Not signed in.\n\nUse File → Sign in… to sign in with your TestingBot key and secret."
SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows


class Presenter(QObject):
    told = Signal(str)  # something to tell the user (status bar and screen reader, via the message bridge)

    def __init__(
        self, shared: Shared, session: Session, parent: QObject | None = None, views: Views | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.window, self.runner = shared.window, shared.runner
        self.accounts, self.accounts_proxy = shared.accounts, shared.accounts_proxy
        self.tests, self.tests_proxy = shared.tests, shared.tests_proxy
        window = self.window
        self.accounts_refused: str | None = None  # why the accounts panel shows no list (refusal_text)
        self.filter_is_credential = False  # a key or secret is in the filter box: never quoted in a notice
        views = views or set_up_views(window, self.accounts, self.accounts_proxy, self.tests_proxy, self)
        self.cred_delegate, self.more_delegate = views.cred_delegate, views.more_delegate
        self.spark_delegate, self.started_by, self.test_filters = views.spark_delegate, views.started_by, views.tests
        window.show_empty(False)

    # -- selection -------------------------------------------------------------------------------

    def selected(self) -> ServiceAccount | None:
        """The account a one-account action acts on: the current row (where the focus mark is) when it is
        selected, as in a file manager; else the first selected row; else the current row."""
        selection = self.window.accounts_view.selectionModel()
        index = selection.currentIndex()
        if not (index.isValid() and selection.isRowSelected(index.row())):
            rows = selection.selectedRows()
            if rows:
                index = min(rows, key=lambda i: i.row())
        return index.data(ROW_ROLE) if index.isValid() else None

    def copy_source(self) -> ServiceAccount | None:
        """The account Ctrl+C and Ctrl+B copy from (as selected() says). With several selected, or the focus
        mark on another row, the status bar names it (QA5, QA6: nothing said whose)."""
        account = self.selected()
        if account is None:
            return None
        current = self.account_at(self.window.accounts_view.selectionModel().currentIndex())
        count = len(self.selected_accounts())
        name = plain.quoted(account.identifier, 32)
        if current is None or current.id != account.id:  # QA6: Ctrl+Home moved the mark, not the selection
            self.told.emit(f"Copying from {name}, the selected row (the focus mark is on another row).")
        elif count > 1:
            self.told.emit(f"Copying from {name}, the current row of the {count} selected: a copy holds one pair's.")
        return account

    def selected_accounts(self) -> list[ServiceAccount]:
        """Every selected account, top to bottom as shown (or the current one)."""
        rows = sorted(self.window.accounts_view.selectionModel().selectedRows(), key=lambda i: i.row())
        found = [a for a in (i.data(ROW_ROLE) for i in rows) if a is not None]
        current = self.selected()
        return found or ([current] if current is not None else [])

    def select_account(self, account_id: int, keep_filter: bool = False) -> None:
        """Select the account (after Add, Rename, Rotate, a pasted key), so the next Ctrl+C copies its secret.
        Hidden by the filter text or the Show choice, those are cleared (and the admin told) unless
        keep_filter; never is another account left selected in its place (QA4: Add with Show on "Unused"
        left the first match selected, and Ctrl+C copied that account's secret)."""
        account = self.accounts.account(account_id)
        if account is None:
            return
        index = self.accounts_proxy.index_of(account_id)
        if not index.isValid() and keep_filter:
            return
        w = self.window
        changed = []  # said in one message: a second would replace the first in the status bar (QA6)
        if not index.isValid() and w.filter_edit.text():
            w.filter_edit.clear()
            index = self.accounts_proxy.index_of(account_id)
            changed.append("the filter was cleared")
        if not index.isValid() and w.show_combo.currentIndex() != 0:
            w.show_combo.setCurrentIndex(0)  # "All accounts"
            index = self.accounts_proxy.index_of(account_id)
            changed.append("Show is back on “All accounts”")
        if changed:
            said = " and ".join(changed)
            self.told.emit(f"{said[0].upper()}{said[1:]} to show “{plain.short(account.identifier)}”.")
        view = w.accounts_view
        if not index.isValid():  # cannot happen with both cleared; if it did, nothing rather than the wrong one
            view.selectionModel().clear()
            return
        view.selectionModel().setCurrentIndex(index, SELECT_ROW)
        view.doItemsLayout()  # a filter just cleared: laid out now, or scrollTo stops within the old row count
        view.scrollTo(index)

    def remove_account(self, account_id: int) -> None:
        """Take a deleted account out of the list; the selection moves to its neighbour, as in list views
        (the next row, or the previous one if it was the last), not back to the top."""
        shown = self.accounts_proxy.index_of(account_id)
        was_selected = shown.isValid() and self.window.accounts_view.selectionModel().isRowSelected(shown.row())
        self.tests.mark_deleted(account_id)  # "(deleted)" at once, not after the next poll
        self.accounts.remove(account_id)
        left = self.accounts_proxy.rowCount()
        if not was_selected or not left:
            return
        neighbour = self.accounts_proxy.index(min(shown.row(), left - 1), 0)
        view = self.window.accounts_view
        view.selectionModel().setCurrentIndex(neighbour, SELECT_ROW)
        view.scrollTo(neighbour)

    @staticmethod
    def account_at(index: QModelIndex) -> ServiceAccount | None:
        return index.data(ROW_ROLE) if index.isValid() else None

    # -- counts and enabled actions --------------------------------------------------------------

    def accounts_changed(self, *_: Any) -> None:
        total = self.accounts.rowCount()
        shown = self.accounts_proxy.rowCount()
        w = self.window
        count = f"{total}" if shown == total else f"{shown} of {total}"
        # Signed out, a "0" would read as "this team has no service accounts": no count at all then.
        w.accounts_count.setText(count if self.session.client is not None or total else "")
        needle = w.filter_edit.text().strip()
        filtering = bool(needle) or self.accounts_proxy.showing != AccountsProxy.ALL
        notice = self.accounts_refused
        if self.session.client is None and not w.loading:
            notice = SIGNED_OUT_NOTICE
        elif notice is None and filtering and total and not shown:
            notice = self._no_match_notice(needle)
        w.show_empty(total == 0 and self.session.client is not None and not filtering, notice)
        self.started_by.schedule()
        self.update_actions()

    def _no_match_notice(self, needle: str) -> str:
        """Why the filtered list is empty, and the way out that works: Escape only empties the filter box,
        so when the Show choice is what hides the matching accounts, the notice names that choice."""
        show = f"“{self.window.show_combo.currentText()}”"
        if self.accounts_proxy.showing == AccountsProxy.UNUSED and not self.accounts.usage_loaded:
            # QA6: "none in this view" for 40 s on a slow server, then 2,481 appeared.
            return f"Reading the tests of the last 30 days: the accounts {show} lists appear once they are read."
        if not needle:
            return f"No service account is in the view {show}. Choose “All accounts” under Show to see them all."
        if self.filter_is_credential:  # maybe a secret: the triage bar above says what it is
            return "No service account has what is in the filter box. Press Escape in the filter box to clear it."
        quoted = plain.quoted(needle, 40)  # cut: a paste may be 3,000 characters
        if self.accounts_proxy.showing != AccountsProxy.ALL:
            folded = needle.casefold()
            hidden = sum(folded in name for name in self.accounts.folded_all())
            if hidden:
                which = "1 service account matches" if hidden == 1 else f"{hidden} service accounts match"
                it = "it" if hidden == 1 else "them"
                return (
                    f"{which} {quoted}, but not {show} under Show. Choose “All accounts” under Show (Alt+W) "
                    f"to see {it}."
                )
        # Escape empties the filter box but leaves the Show choice: "them all" only under All accounts.
        then = "show them all" if self.accounts_proxy.showing == AccountsProxy.ALL else f"show all of {show}"
        return f"No service account matches {quoted}. Press Escape in the filter box to {then}."

    def accounts_edited(self, top_left: QModelIndex, bottom_right: QModelIndex, *_: Any) -> None:
        """Rows changed in place (a rename, a rotation, a refresh): every place that shows a name follows."""
        identifiers = top_left.column() <= AccountCol.IDENTIFIER <= bottom_right.column()
        if not identifiers:
            return
        for row in range(top_left.row(), bottom_right.row() + 1):
            account = self.accounts.at(row)
            self.tests.relabel(account.id, account.identifier)
            self.started_by.renamed(account.id, account.identifier)
        self.started_by.schedule()
        self.selection_changed()  # the "Only tests by …" button

    def set_accounts_refused(self, notice: str | None) -> None:
        """The server refused the accounts request (notice), or serves it again (None)."""
        user = self.session.user
        if notice is not None and user is not None and not user.can_manage:
            # A member's refusal is expected, not a fault: who they are and what they may do, not the request
            # (the request and what tbdesk expected are for an admin whose server lacks the assumed path).
            lead = notice.partition("\n\n")[0]
            notice = f"{lead}\n\n{read_only_notice(user.name, user.role)}\n\nTests are shown as usual."
        self.accounts_refused = notice
        # Nothing to show a part of; the filter box stays: a member may paste a leaked key to learn whom to ask.
        self.window.show_combo.setEnabled(notice is None)
        self.accounts_changed()

    def filter_tests_by_selected(self) -> None:
        account = self.selected()
        if account is not None:
            self.started_by.show_account(account.id)

    def tests_changed(self, *_: Any) -> None:
        w = self.window
        shown, loaded, total = self.tests_proxy.rowCount(), self.tests.rowCount(), self.tests.total
        filtered = not self.tests_proxy.query.is_everything
        more = loaded < total and self.session.client is not None
        # The filters and the export see the loaded tests only: say so where they are, and offer the rest.
        if filtered:
            text = f"{shown} shown of the {loaded} loaded tests" if more else f"{shown} shown of {loaded} tests"
        else:
            text = f"{loaded} of {total} loaded" if more else f"{loaded} tests"
        w.tests_count.setText(text)
        loading = self.runner.running("load-all")
        w.load_all_button.setVisible(more or loading)
        w.load_all_button.setEnabled(not loading)
        w.load_all_button.setText("Loading…" if loading else f"Load all {total}")
        w.export_button.setToolTip(
            f"Save the {shown} tests shown as a CSV file"
            + (f" (of the {loaded} loaded; “Load all {total}” first to cover every test)" if more else "")
        )
        w.clear_filters.setVisible(filtered)
        self.window.export_button.setEnabled(shown > 0 and self.session.client is not None)
        self.window.show_tests_empty(self.tests_empty_text(shown, loaded))

    def filters_applied(self) -> None:
        """A filter changed: the current test stays in view if it still shows, else the list starts at its
        top (not at the old scroll position, a half row showing)."""
        view = self.window.tests_view
        current = view.currentIndex()
        if current.isValid():
            view.scrollTo(current)
        else:
            view.scrollToTop()

    def tests_empty_text(self, shown: int, loaded: int) -> str:
        if shown or self.session.client is None:
            return ""
        if loaded == 0:
            return "No tests yet. Tests appear here as soon as a pipeline or a person starts one."
        more = " in the loaded tests" if loaded < self.tests.total else ""
        on = self._filters_on()
        who = self.tests_proxy.who
        if isinstance(who, int) and len(on) == 1:  # Started by alone is the cause: say which account
            account = self.accounts.account(who)
            name = plain.quoted(account.identifier, 40) if account else "this account"
            return plain.text(f"No tests by {name}{more}. Choose Everyone under Started by to see all tests.")
        if len(on) > 1:  # several filters: name them all, not only one of them (QA2 #38)
            loaded_text = "loaded test" if more else "test"
            return plain.text(
                f"No {loaded_text} matches these filters ({', '.join(on)}). Clear the filters to see all tests."
            )
        return "No test matches these filters. Clear the filters to see all tests."

    def _filters_on(self) -> list[str]:
        """The test filters not letting everything through, as shown: "Started by X", "Build Y"…"""
        query, w = self.tests_proxy.query, self.window
        on = []
        if query.who != TestsProxy.ALL:
            on.append(f"Started by {plain.short(w.started_by.currentText())}")
        if query.result != TestsProxy.ALL:
            on.append(f"Result {w.result_combo.currentText()}")
        if query.build != TestsProxy.ALL:
            on.append(f"Build {plain.short(w.build_combo.currentText())}")
        if query.text:
            on.append(f"Name “{plain.short(w.test_name_edit.text().strip())}”")
        return on

    def tests_seen(self, tests: list[Any]) -> None:
        """Offer who started these tests and their builds in the filters."""
        self.started_by.note_tests(tests)
        self.test_filters.note_tests(tests)

    def clear_test_filters(self) -> None:
        self.started_by.show(TestsProxy.ALL)
        self.test_filters.clear()

    def reset_view(self) -> None:
        """Signed out, or another identity signed in: the last session's filters, Show choice, selection and
        its "Only tests by …" do not carry over into the next one."""
        w = self.window
        w.filter_edit.clear()
        w.show_combo.setCurrentIndex(0)
        w.lower_tabs.setCurrentWidget(w.tests_tab)  # Activity asks to pick an account, which a member cannot
        self.started_by.forget()
        self.test_filters.forget()
        w.accounts_view.selectionModel().clear()
        self.selection_changed()
        self.accounts_changed()

    def selection_changed(self, *_: Any) -> None:
        account = self.selected()
        button = self.window.only_selected
        button.setVisible(account is not None and self.tests_proxy.who != (account.id if account else None))
        if account is not None:
            button.setText(plain.mnemonic(f"Only tests by {plain.short(account.identifier)}"))  # no & shortcut
            button.setToolTip(plain.tooltip(f"Show only the tests started by {account.identifier}") or "")
        self.update_actions()

    def tasks_changed(self) -> None:
        self.window.set_busy(self.runner.busy)
        self.update_actions()
        loading = self.runner.running("load-all")
        if loading != (not self.window.load_all_button.isEnabled()):
            self.tests_changed()  # "Load all" turns into "Loading…" and back

    def update_actions(self) -> None:
        w = self.window
        selected = self.selected() is not None
        manage = self.session.can_manage
        acting = self.runner.running("action")
        # Signed in once the user is known too (between the two, Copy key came on before the rest: QA8).
        signed_in = self.session.client is not None and self.session.user is not None
        w.add_action.setEnabled(manage and not acting and signed_in)
        for action in (w.edit_action, w.rotate_action, w.delete_action, w.handover_action):
            action.setEnabled(manage and selected and not acting)
        w.rotate_due_action.setEnabled(manage and not acting and signed_in)
        w.triage_rotate.setEnabled(manage and not acting)
        w.copy_key_action.setEnabled(selected and signed_in)
        w.reveal_key_action.setEnabled(selected and signed_in)
        for action in (w.copy_secret_action, w.copy_env_action, w.copy_hub_action, w.reveal_secret_action):
            action.setEnabled(selected and manage)
            action.setToolTip(action.statusTip() if manage else READ_ONLY_TIP)
        w.refresh_action.setEnabled(signed_in)
        w.sign_out_action.setEnabled(signed_in)
        w.sign_in_action.setEnabled(not self.runner.running("sign-in"))

    # -- menus and dialogs that only show things -------------------------------------------------

    def context_menu(self, pos: Any) -> None:
        if self.window.accounts_view.indexAt(pos).isValid():
            self.window.popup_row_menu(self.window.accounts_view.viewport().mapToGlobal(pos), keyboard=False)

    def more_menu(self, index: QModelIndex, keyboard: bool = False) -> None:
        """The "…" button (clicked, or Enter/Space on its cell): the row's actions below the cell."""
        view = self.window.accounts_view
        view.selectionModel().setCurrentIndex(index, SELECT_ROW)
        rect = view.visualRect(index)
        self.window.popup_row_menu(view.viewport().mapToGlobal(rect.bottomLeft()), keyboard)

    def keyboard_menu(self) -> None:
        """Shift+F10 or the Menu key in the accounts table: the current row's menu, first item focused."""
        view = self.window.accounts_view
        index = view.currentIndex()
        if not index.isValid():
            if self.accounts_proxy.rowCount() == 0:
                self.told.emit("Shift+F10: no service account to act on.")
                return
            index = self.accounts_proxy.index(0, AccountCol.IDENTIFIER)
        view.scrollTo(index)
        self.more_menu(index, keyboard=True)

    def app_state_changed(self, state: Qt.ApplicationState) -> None:
        # The screen locked or the app went to the background: hide what was revealed.
        if state in (Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden):
            self.accounts.hide_all()

    def about(self) -> None:
        QMessageBox.about(
            self.window, "About tbdesk", f"tbdesk {__version__}\nService accounts and tests of a TestingBot team."
        )
