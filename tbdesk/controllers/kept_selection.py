"""The accounts table's selection while the rows shown change: the filter box, the Show choice, a pasted key.

Qt keeps a selection across a layout change only by the corners of its ranges: when the filter hid a corner,
the whole range went (Ctrl+A, then a filter: nothing left selected), and a hidden current row just became
none, without a signal, so the panes below went on describing an account the table no longer showed (QA4).
The rules here are those of KeePassXC's search and a file manager's filter:

- selected accounts that are still shown stay selected, however many there are;
- when the current account is hidden, the current row moves to a selected account still shown; with none,
  to the account the admin last chose, if it is shown, else to the first match;
- with no match at all, nothing is selected (`dropped`: the panes say so);
- every account shown again, the account the admin chose is current again, if the filter had moved off it;
- until the admin chooses an account (a key or click on the table, an action), the first row is selected;
- after the admin changes the filter, the current row is scrolled into view.
"""

from __future__ import annotations

from itertools import groupby

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, QTimer, Signal
from PySide6.QtWidgets import QTableView

from ..gui.models import ROW_ROLE
from ..gui.shown_accounts import AccountsProxy

SELECT_ROW = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
CURRENT_ONLY = QItemSelectionModel.SelectionFlag.NoUpdate


class KeptSelection(QObject):
    # The selection shrank or changed without Qt's own signals (or before anything listened): whatever shows it,
    # update.
    dropped = Signal()

    def __init__(self, view: QTableView, proxy: AccountsProxy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view, self.proxy = view, proxy
        self._before: tuple[int | None, list[int]] | None = None  # across a layout change: current, selected
        self._chosen: int | None = None  # the account the admin made current last (not one tbdesk picked)
        self._picking = False
        self._picked: int | None = None  # the account the filter made current last, until the admin chooses
        self._input = False  # a key press or click on the table is being handled
        self._rows_moved = True  # the rows shown changed since keep_in_view last laid the table out
        for moved in (proxy.layoutChanged, proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset):
            moved.connect(self._moved)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    @property
    def selection(self) -> QItemSelectionModel:
        return self.view.selectionModel()

    def pick(self, index: QModelIndex, flags: QItemSelectionModel.SelectionFlag = SELECT_ROW) -> None:
        """Make `index` current (and selected) for the admin: not a choice of theirs to come back to."""
        self._picking = True
        try:
            self.selection.setCurrentIndex(index, flags)
        finally:
            self._picking = False
        account = index.data(ROW_ROLE) if index.isValid() else None
        self._picked = account.id if account is not None else None

    def current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        account = current.data(ROW_ROLE) if current.isValid() else None
        if account is not None and self._input and not self._picking:
            self._chosen, self._picked = account.id, None

    # -- across a change of the rows shown ---------------------------------------------------------

    def changing(self) -> None:
        self._before = self._ids()

    def changed(self) -> None:
        before, self._before = self._before, None
        if before is None:
            return
        still = sorted(row for row in (self._row(i) for i in before[1]) if row is not None)
        if still != sorted(i.row() for i in self.selection.selectedRows()):
            self._select_rows(still)  # Qt dropped a range whose corner the filter hid
        if not self.selection.currentIndex().isValid():
            chosen = self._row(self._chosen) if self._chosen is not None else None
            if still:  # one the admin selected: theirs, not a pick of the filter's
                self.pick(self.proxy.index(still[0], 0), CURRENT_ONLY)
                self._picked = None
            elif self.proxy.rowCount():
                self.pick(self.proxy.index(chosen if chosen is not None else 0, 0))
        self._back_to_chosen()
        if self._ids() != before:
            self.dropped.emit()  # Qt says nothing of rows that left the selection in a layout change

    def _back_to_chosen(self) -> None:
        """Every account shown again (Escape, Show back on All accounts) while the current row is still one the
        filter picked: back to the admin's own choice (QA5: a quick look with the filter left the first match
        selected, and the next Ctrl+C or Ctrl+R acted on it)."""
        current_id, selected = self._ids()
        if not self.proxy.all_shown() or self._chosen is None or current_id != self._picked or len(selected) > 1:
            return
        row = self._row(self._chosen)
        if row is not None and current_id != self._chosen:
            self.pick(self.proxy.index(row, 0))
            self._picked = None  # the admin's choice, restored: not a pick

    # -- until the admin chooses -------------------------------------------------------------------

    def start_over(self) -> None:
        """A new sign-in: nothing chosen yet."""
        self._chosen = None

    def choose(self, account_id: int) -> None:
        """A row the admin went to (Down or Enter from the filter box) or acted on (Add, Rename, Rotate)
        counts as their choice."""
        self._chosen, self._picked = account_id, None

    def sorted(self) -> None:
        """The accounts were sorted (the rest of a large team loaded, a header clicked). Until the admin chooses
        an account, the first row is the selected one: the pages after the first move the first page's first
        row down the list (QA4 saw the 12th row of 2,500 selected, off-screen)."""
        current = self.selection.currentIndex()
        several = len(self.selection.selectedRows()) > 1  # Ctrl+A, Shift+click: chosen, however it came
        if self._chosen is None and current.isValid() and current.row() != 0 and not several:
            self.pick(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A key or a click on the table: the row it makes current is the admin's choice (Qt also makes a row
        # current by itself, e.g. when the table first gets the focus: that one is not).
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            self._input = True
            QTimer.singleShot(0, self._input_done)
        return False

    def _input_done(self) -> None:
        self._input = False

    # -- in view -----------------------------------------------------------------------------------

    def keep_in_view(self, *_: object) -> None:
        """After the admin changed the filter: the current row on screen. The view lays out a changed row
        count later (in the same turn scrolling would stop within the old count): laid out here first, when the
        rows changed. Laying it out repaints the whole table and its scroll bars, ~1 ms of a keystroke that
        left the same rows shown (#16)."""
        current = self.selection.currentIndex()
        if current.isValid():
            if self._rows_moved:
                self.view.doItemsLayout()
                self._rows_moved = False
            self.view.scrollTo(current)

    def _moved(self, *_: object) -> None:
        self._rows_moved = True

    # -- helpers -----------------------------------------------------------------------------------

    def _ids(self) -> tuple[int | None, list[int]]:
        current = self.selection.currentIndex()
        account = current.data(ROW_ROLE) if current.isValid() else None
        selected = [a.id for a in (i.data(ROW_ROLE) for i in self.selection.selectedRows()) if a is not None]
        return (account.id if account is not None else None), sorted(selected)

    def _row(self, account_id: int) -> int | None:
        shown = self.proxy.index_of(account_id)
        return shown.row() if shown.isValid() else None

    def _select_rows(self, rows: list[int]) -> None:
        """Select exactly these rows, as few ranges as they make (one per run of neighbouring rows)."""
        last = self.proxy.columnCount() - 1
        runs = QItemSelection()
        for _, run in groupby(enumerate(sorted(rows)), key=lambda pair: pair[1] - pair[0]):
            block = [row for _, row in run]
            runs.select(self.proxy.index(block[0], 0), self.proxy.index(block[-1], last))
        self.selection.select(runs, QItemSelectionModel.SelectionFlag.ClearAndSelect)
