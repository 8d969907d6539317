"""A combo box of many names that can be searched: type any part of a name, pick it from the matches.

"Started by" lists every service account of a team (1,000 and more) and the Build list every build seen; a
plain combo box only jumps by the first letters and opened a popup as tall as the screen. Qt's own
QCompleter does the matching (any part of the name, any case); the popups show at most VISIBLE rows.
"""

from __future__ import annotations

import heapq

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QStyle, QWidget

from ..bidi import has_controls
from . import plain

VISIBLE = 20  # rows in the list's popup and in the matches'
LIST_CHARS = 48  # the lists are as wide as this many characters at most: longer names end in "…" there
ITEM_CHARS = 200  # an item holds at most this much of a name (identifiers have at most 100): what is searched
ARRIVALS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
    Qt.FocusReason.MouseFocusReason,
)
MEASURED = 40  # the longest names by their number of characters: measured for the lists' width
ITEM_MARGINS = 16  # an item's text margins and focus frame in the lists


class _OnScreen(QObject):
    """Keeps the matches' popup on its screen: QCompleter places it for the box's width, and fit_lists made
    it wider, past the screen's right edge for a box near it (QA14). Its drop-down list Qt keeps on screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Move, QEvent.Type.Resize) and isinstance(watched, QWidget):
            screen = watched.screen().availableGeometry()
            frame = watched.frameGeometry()
            if frame.right() > screen.right():
                watched.move(max(screen.left(), watched.x() - (frame.right() - screen.right())), watched.y())
        return False


class _SearchBox(QObject):
    """The box's behaviour: typed text searches, Enter picks the first match, the current item comes back
    when the box is left or Escape is pressed without a pick."""

    def __init__(self, combo: QComboBox, edit: QLineEdit, completer: QCompleter) -> None:
        super().__init__(combo)
        self.combo, self.edit, self.completer = combo, edit, completer
        combo.installEventFilter(self)
        edit.returnPressed.connect(self.picked)
        edit.editingFinished.connect(self.left)
        combo.currentIndexChanged.connect(self.show_current)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The combo box takes the focus and hands it to its text box directly (no event filter sees that).
        # Only when the admin moves to the box: the focus also comes back to it each time the matches close
        # (nothing matches what is typed), and selecting then made the next key replace the typed text (QA14).
        if isinstance(event, QFocusEvent) and event.type() == QEvent.Type.FocusIn and event.reason() in ARRIVALS:
            QTimer.singleShot(0, self.edit.selectAll)  # after Qt places the cursor for the click
        # Escape with the matches closed: what was typed goes, the current item is shown again (the text box's
        # keys it does not use reach the combo box).
        elif isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress and self._reverts(event):
            self.show_current()
            self.edit.selectAll()  # typing again searches from scratch
            return True
        return False

    def _reverts(self, event: QKeyEvent) -> bool:
        return event.key() == Qt.Key.Key_Escape and self.edit.text() != self.combo.itemText(self.combo.currentIndex())

    def show_current(self) -> None:
        """The current item in the box from its start (a long name showed its end), whole in the tooltip."""
        index = self.combo.currentIndex()
        self.combo.setEditText(self.combo.itemText(index))
        self.edit.setCursorPosition(0)
        tip = self.combo.itemData(index, Qt.ItemDataRole.ToolTipRole) if index >= 0 else None
        self.combo.setToolTip(tip if isinstance(tip, str) else "")

    def picked(self) -> None:
        typed = self.edit.text()
        if typed == self.combo.itemText(self.combo.currentIndex()):
            return
        self.completer.setCompletionPrefix(typed)
        first = self.completer.currentCompletion() if self.completer.completionCount() else ""
        index = self.combo.findText(first, Qt.MatchFlag.MatchExactly) if first else -1
        if index >= 0:
            self.combo.setCurrentIndex(index)
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()
        self.show_current()

    def left(self) -> None:
        popup = self.completer.popup()
        if popup is None or not popup.isVisible():
            self.show_current()


def make_searchable(combo: QComboBox, search_name: str) -> QCompleter:
    """Make `combo` editable for searching only: typed text never becomes an item; Enter picks the first
    match (or the one chosen with the arrows); leaving the box without a pick shows the current item again."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setMaxVisibleItems(VISIBLE)
    combo.setStyleSheet("QComboBox { combobox-popup: 0; }")  # a scrolling list, never one as tall as the screen
    completer = QCompleter(combo.model(), combo)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setMaxVisibleItems(VISIBLE)
    combo.setCompleter(completer)
    edit = combo.lineEdit()
    if edit is not None:
        edit.setClearButtonEnabled(False)
        edit.setAccessibleName(search_name)  # the text box inside the list, for a screen reader
        _SearchBox(combo, edit, completer)
    popup = completer.popup()
    if popup is not None:
        popup.installEventFilter(_OnScreen(popup))
        # Cut in the middle, as the drop-down list does: names alike differ at their end (QA15).
        popup.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    return completer


def add_names(combo: QComboBox, names: list[str]) -> None:
    """Add server-given names to `combo` as plain text (bidi controls neutralised), whole up to ITEM_CHARS so
    typing any part of one finds it; a name longer than LIST_CHARS ends in "…" in the lists (fit_lists sizes
    them), whole in its tooltip."""
    first = combo.count()
    combo.addItems(listed(names, ITEM_CHARS))
    for offset, name in enumerate(names):
        if len(name) > LIST_CHARS:
            combo.setItemData(first + offset, plain.tooltip(name), Qt.ItemDataRole.ToolTipRole)


def listed(names: list[str], limit: int) -> list[str]:
    """plain.short(name, limit) of each name, without a call per name when none needs one (10,000 accounts:
    one search of them all for a bidi control, then a length check each)."""
    if has_controls("".join(names)):
        return [plain.short(n, limit) for n in names]
    return [n if len(n) <= limit else plain.short(n, limit) for n in names]


def fit_lists(combo: QComboBox, names: list[str]) -> None:
    """The drop-down list and the matches' popup at least as wide as the longest of `names`, up to LIST_CHARS
    characters: as wide as the box only, they showed long names cut in the middle ("deploy-pip…canary",
    QA12). A longer name ends in "…" there (the lists elide what does not fit)."""
    longest = listed(heapq.nlargest(MEASURED, names, key=len), LIST_CHARS)
    completer = combo.completer()
    for view in (combo.view(), completer.popup() if completer is not None else None):
        if view is None:
            continue
        metrics = view.fontMetrics()
        text = max((metrics.horizontalAdvance(t) for t in longest), default=0)
        bar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
        view.setMinimumWidth(text + bar + 2 * view.frameWidth() + ITEM_MARGINS)
