"""Bulk rotation: one confirmation listing every account with its recent use, then progress and a result
per account, then the hand-over. The dialog only shows; the caller sends (tbdesk.rotation) and reports back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ..api.models import ServiceAccount
from ..core.lifecycle import key_age
from ..core.rotation import Outcome, Result
from . import format as fmt
from . import plain
from .forms import child, embed
from .icons import icon
from .models import Usage
from .plain import tooltip
from .window_hints import dialog_frame

HEADERS = ["Service account", "Key age", "Last test", "Tests (24 h)", "Tests (7 days)", "Result"]
KEY_AGE_COL, RESULT_COL = 1, 5
TYPE_COUNT_ABOVE = 5  # more accounts than this: the admin types how many, as GitHub and AWS ask for bulk deletes
COLORS = {Outcome.ROTATED: "#1e8e3e", Outcome.FAILED: "#d64545", Outcome.UNKNOWN: "#b26a00", Outcome.GONE: "#777777"}


@dataclass(frozen=True)
class BulkRow:
    account: ServiceAccount
    key_age: str
    last_test: str  # as the table says it ("2 h ago", "unused · none in 30 d", "…")
    usage: Usage | None  # None: recent use not loaded yet


class State(Enum):
    CONFIRM = "confirm"
    RUNNING = "running"
    DONE = "done"


class BulkRotateDialog(QDialog):
    confirmed = Signal()
    stop_requested = Signal()
    handover_requested = Signal()
    retry_requested = Signal()  # a new confirmation for the ones not rotated

    def __init__(self, parent: QWidget | None, rows: Sequence[BulkRow], earlier: int = 0) -> None:
        """`earlier`: pairs rotated by the earlier rounds of this bulk rotation, handed over with these."""
        super().__init__(parent)
        dialog_frame(self)
        self.rows = list(rows)
        self.earlier = earlier
        self.state = State.CONFIRM
        self.results: dict[int, Result] = {}
        n = len(self.rows)
        self.setWindowTitle("Rotate access keys")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.content = embed("bulk_rotate.ui", self)
        c = self.content
        self.title = child(c, QLabel, "titleLabel")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setText(f"Rotate the access keys of {n} service account{'s' if n != 1 else ''}?")
        self.warning = child(c, QLabel, "warningLabel")
        self.table = child(c, QTableWidget, "accountsTable")
        self.progress = child(c, QProgressBar, "progressBar")
        self.progress.setRange(0, n)
        self.progress.setFormat("%v of %m")
        self.summary = child(c, QLabel, "summaryLabel")
        self.buttons = child(c, QDialogButtonBox, "buttonBox")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.ok.setText(f"Rotate {n} access key{'s' if n != 1 else ''}")
        self.ok.setIcon(icon("rotate"))
        # Offered only once something was tried: hidden (so neither shown nor focusable) until finish().
        self.handover = self._later_button("key", "&Hand over the new pairs…")
        self.retry = self._later_button("rotate", "&Retry…")
        self.ok.clicked.connect(self._confirm)
        self.handover.clicked.connect(self._handover)
        self.retry.clicked.connect(self._retry)
        self.buttons.rejected.connect(self.reject)
        # A destructive action for many: Cancel is the default; Enter presses OK only once it has the focus.
        self.ok.setAutoDefault(True)
        self.ok.setDefault(False)
        self.cancel.setDefault(True)
        self._fill()
        self.count_row = child(c, QWidget, "countRow")
        self.count_edit = child(c, QLineEdit, "countEdit")
        self.count_hint = child(c, QLabel, "countHint")
        self.needs_count = n > TYPE_COUNT_ABOVE
        if self.needs_count:
            # Ctrl+A, Ctrl+R and one click must not rotate a thousand keys: as costly to confirm as a delete.
            self.count_row.setVisible(True)
            child(c, QLabel, "countLabel").setText(f"To rotate all {n}, &type {n}:")
            self.count_edit.setAccessibleDescription(f"The Rotate button is available once you have typed {n}.")
            self.count_edit.textChanged.connect(self._count_typed)
            self._count_typed("")
        busy = [r.account.identifier for r in self.rows if r.usage is not None and r.usage.last_24h]
        if busy:  # the pipelines that will break first, named before anything is sent
            names = ", ".join(busy[:5]) + (f" and {len(busy) - 5} more" if len(busy) > 5 else "")
            self.summary.setText(plain.text(f"Used in the last 24 hours (in bold): {names}."))
        self.resize(820, min(220 + 30 * n, 640))
        (self.count_edit if self.needs_count else self.cancel).setFocus()

    def _count_typed(self, text: str) -> None:
        self.ok.setEnabled(text.strip() == str(len(self.rows)))
        self.count_hint.setText("")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the count field never cancels (Cancel stays the default elsewhere): with the right number
        # typed it rotates, as typing the number was the confirmation (one Enter, not two); else it says what
        # is missing.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and self.state is State.CONFIRM and self.focusWidget() is self.count_edit:
            if self.ok.isEnabled():
                self.ok.click()
            else:
                self.count_hint.setText(f"Type {len(self.rows)} to rotate them all, or press Escape to cancel.")
            return
        super().keyPressEvent(event)

    def _later_button(self, icon_name: str, text: str) -> QPushButton:
        # Into the button box only in finish(): the box shows every button it holds (hiding one there takes
        # it out of the Tab order for good), and before anything was tried there is nothing to retry.
        button = QPushButton(icon(icon_name), text, self)
        button.setVisible(False)
        return button

    def _offer(self, button: QPushButton, shown: bool) -> None:
        if shown and button.parent() is not self.buttons:
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        button.setVisible(shown)

    def _handover(self) -> None:
        if self.state is State.DONE and self.handover.isVisible():
            self.handover_requested.emit()

    def _retry(self) -> None:
        if self.state is State.DONE and self.retry.isVisible():
            self.retry_requested.emit()

    def _fill(self) -> None:
        t = self.table
        t.setColumnCount(len(HEADERS))
        t.setHorizontalHeaderLabels(HEADERS)
        t.setRowCount(len(self.rows))
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        t.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        t.setTabKeyNavigation(False)  # Tab moves on to the buttons, not from cell to cell
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setMinimumSectionSize(28)
        t.setAlternatingRowColors(True)
        t.setShowGrid(False)
        t.setWordWrap(True)  # a failure's reason is read in full, not elided
        t.setAccessibleName("Service accounts to rotate")
        for r, row in enumerate(self.rows):
            u = row.usage
            cells = [
                plain.text(row.account.identifier),
                row.key_age,
                row.last_test,
                "…" if u is None else str(u.last_24h),
                "…" if u is None else str(u.last_7d),
                "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)  # plain text, never markup
                if col == RESULT_COL:
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, "not rotated yet")  # never an empty name
                if col in (3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 2 and u is not None and u.last_test is not None:
                    item.setToolTip(fmt.local(u.last_test))
                if col == 0 and u is not None and u.last_24h:
                    bold = QFont(item.font())
                    bold.setBold(True)  # in use today: the pipelines that will break first
                    item.setFont(bold)
                t.setItem(r, col, item)
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RESULT_COL, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(70)

    # -- the run ---------------------------------------------------------------------------------

    def _confirm(self) -> None:
        if self.state is State.CONFIRM:
            self.start()
            self.confirmed.emit()

    def start(self) -> None:
        self.state = State.RUNNING
        self.count_row.setEnabled(False)
        self.ok.setVisible(False)
        self.cancel.setText("&Stop")
        self.cancel.setToolTip("Stop after the rotation in flight; the rest are not sent")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.summary.setText("Rotating…")
        n = len(self.rows)
        self.title.setText(f"Rotating the access keys of {n} service account{'s' if n != 1 else ''}…")
        self.table.setFocus()

    def show_result(self, index: int, result: Result) -> None:
        self.results[index] = result
        text = result.outcome.value.capitalize()
        if result.reason:
            text += f": {result.reason}"
        item = QTableWidgetItem(text)
        item.setToolTip(tooltip(text) or "")  # the reason may be the server's words: shown literally
        if result.outcome in COLORS:
            item.setForeground(QBrush(QColor(COLORS[result.outcome])))
        self.table.setItem(index, RESULT_COL, item)
        if result.rotated and result.now is not None:  # the key this row has now, not the one it had (QA2 #74)
            self.table.setItem(index, KEY_AGE_COL, QTableWidgetItem(key_age(result.now).text()))
        self.table.resizeRowToContents(index)
        self.table.scrollToItem(item)
        self.progress.setValue(len(self.results))
        self.summary.setText(f"Rotating… {len(self.results)} of {len(self.rows)} done")

    def finish(self) -> None:
        self.state = State.DONE
        counts: dict[Outcome, int] = {}
        for result in self.results.values():
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        parts = [f"{n} {outcome.value}" for outcome, n in counts.items()]
        self.summary.setText("Done: " + ", ".join(parts) + ".")
        self.title.setText(f"Rotated {counts.get(Outcome.ROTATED, 0)} of {len(self.rows)} access keys")
        if counts.get(Outcome.ROTATED):
            self.warning.setText(
                "The old pairs of the rotated accounts no longer work: hand each pipeline its new pair now. "
                "Accounts that were not rotated keep their key; the table shows what is true now."
            )
        else:  # not the before-run warning: nothing of this round stopped working (QA2 #73)
            earlier = (
                f" The {self.earlier} pair{'s' if self.earlier != 1 else ''} rotated earlier can still be handed over."
                if self.earlier
                else ""
            )
            self.warning.setText(
                "None of these was rotated: each keeps its current key and secret, and the pipelines that use "
                f"them keep working.{earlier}"
            )
        self.cancel.setText("&Close")
        self.cancel.setToolTip("")
        self.cancel.setEnabled(True)
        rotated = counts.get(Outcome.ROTATED, 0) + self.earlier
        again = len(self.to_retry())
        self._offer(self.retry, again > 0)
        self.retry.setText(f"&Retry {again} not rotated…")
        self.retry.setToolTip("A new confirmation for the accounts that were not rotated; nothing is re-sent by itself")
        self._offer(self.handover, rotated > 0)
        self.handover.setText(f"&Hand over {rotated} new pair{'s' if rotated != 1 else ''}…")
        # The box reorders its buttons as they come and go; the keyboard follows what is on screen.
        chain = [self.table, *(b for b in (self.retry, self.handover) if b.isVisibleTo(self)), self.cancel]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        target = self.handover if rotated else self.cancel
        self.cancel.setDefault(not rotated)
        self.handover.setDefault(bool(rotated))
        target.setFocus()

    def to_retry(self) -> list[Result]:
        """Failed, unknown or not sent (a deleted account is not retried)."""
        again = (Outcome.FAILED, Outcome.UNKNOWN, Outcome.NOT_SENT)
        return [self.results[i] for i in sorted(self.results) if self.results[i].outcome in again]

    def rotated(self) -> list[Result]:
        return [self.results[i] for i in sorted(self.results) if self.results[i].rotated]

    def reject(self) -> None:
        if self.state is State.RUNNING:  # Escape or Stop: finish the request in flight, send no more
            if self.cancel.isEnabled():
                self.cancel.setEnabled(False)
                self.cancel.setText("Stopping…")
                self.stop_requested.emit()
            return
        super().reject()
