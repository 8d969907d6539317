"""View → Sort accounts by / Sort tests by: what a header click sorts by, from the keyboard too.

A table's header takes no keyboard focus, so without these menus the keyboard could not sort at all (QA4).
The items are made when the menu opens, from the columns as they stand (moved or hidden ones included), and
say which column and order are in force.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QTableView, QWidget


class SortMenu(QMenu):
    def __init__(self, title: str, view: QTableView, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.view = view
        self.aboutToShow.connect(self._fill)

    def _fill(self) -> None:
        self.clear()
        header, model = self.view.horizontalHeader(), self.view.model()
        sorted_by, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        group = QActionGroup(self)  # exclusive: one column at a time, as the header's arrow says
        taken: set[str] = {"d"}  # "&Descending" below
        for visual in range(header.count()):
            column = header.logicalIndex(visual)
            name = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if header.isSectionHidden(column) or not isinstance(name, str) or not name:
                continue
            action = self.addAction(with_mnemonic(name, taken))
            action.setCheckable(True)
            action.setChecked(column == sorted_by)
            group.addAction(action)
            action.triggered.connect(lambda _=False, c=column: self._sort(c, order))
        self.addSeparator()
        descending = self.addAction("&Descending")
        descending.setCheckable(True)
        descending.setChecked(order == Qt.SortOrder.DescendingOrder)
        descending.toggled.connect(
            lambda on: self._sort(sorted_by, Qt.SortOrder.DescendingOrder if on else Qt.SortOrder.AscendingOrder)
        )

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        self.view.sortByColumn(column, order)  # the current row is kept in sight (keep_current_in_view)


def keep_current_in_view(view: QTableView) -> None:
    """Whatever sorts the table (a header click, this menu), the current row stays in sight wherever the sort
    put it (QA6; QA12: a header click left the view where it was). Connected after the view's own sorting."""

    def follow() -> None:
        current = view.currentIndex()
        if current.isValid():
            view.scrollTo(current)

    view.horizontalHeader().sortIndicatorChanged.connect(follow)


def with_mnemonic(name: str, taken: set[str]) -> str:
    """`name` with an `&` before its first letter no other item uses yet (a column title has no `&` of its
    own to escape), so each item has a key of its own."""
    for i, char in enumerate(name):
        if char.isalnum() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{name[:i]}&{name[i:]}"
    return name
