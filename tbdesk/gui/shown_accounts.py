"""The accounts the filter box and the Show choice let through, as the table the window shows.

Not a QSortFilterProxyModel: on each filter change Qt would call a Python filterAcceptsRow once per account
and tell the view about every run of hidden rows separately. With 10,000 accounts a keystroke cost ~11 ms,
over the benchmark's 0.12× floor goal (#16). Here a keystroke is one Python pass over the casefolded names
and one layout change (~3.5 ms). The rows keep AccountsModel's order; sorting is the model's.

Typing on only reads the names the last keystroke let through, and a backspace takes an earlier answer back
(`_trail`): reading all 10,000 names, scattered in memory, cost ~1 ms of a keystroke's cache misses.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)

from ..core.lifecycle import UNUSED_DAYS, Use
from ..core.names import folded
from .models import AccountsModel

Index = QModelIndex | QPersistentModelIndex


class AccountsProxy(QAbstractTableModel):
    """AccountsModel's rows that match: the identifier (a case-insensitive substring), the Show choice, or
    exactly a set of accounts (a pasted key's owner). Offers QSortFilterProxyModel's mapping methods."""

    ALL, UNUSED, PAST_POLICY = "all", "unused", "past-policy"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = AccountsModel()  # replaced by setSourceModel
        self._shown: list[int] = []  # the source rows shown, ascending
        self._needle = ""
        self.showing = self.ALL
        self._only_ids: frozenset[int] | None = None  # leaked-key triage: just the owner, whatever else is set
        self._removing = False
        self._kept: list[tuple[int, int]] = []  # across a layout change: (account id, column) per index
        self._kept_ids: list[int] | None = None  # across a sort: the accounts shown (None: all of them)
        # The needles typed since the rows last changed, each within the one before, with the source rows whose
        # name holds it (whatever the Show choice): what the next keystroke narrows or a backspace returns to.
        self._trail: list[tuple[str, list[int]]] = []
        self._trail_generation = -1  # the model's generation the trail's rows are of

    def setSourceModel(self, model: AccountsModel) -> None:
        self.beginResetModel()
        self._source = model
        self._trail.clear()
        self._shown = self._matching()
        model.dataChanged.connect(self._source_data_changed)
        model.rowsInserted.connect(self._source_rows_inserted)
        model.rowsAboutToBeRemoved.connect(self._source_rows_about_to_be_removed)
        model.rowsRemoved.connect(self._source_rows_removed)
        model.layoutAboutToBeChanged.connect(self._source_layout_about_to_change)
        model.layoutChanged.connect(self._source_layout_changed)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)
        model.headerDataChanged.connect(self._source_header_changed)  # e.g. the key age tooltip names the policy
        # AccountsModel never moves rows (a sort is a layout change); a move would need its own mapping.
        self.endResetModel()

    def sourceModel(self) -> AccountsModel:
        return self._source

    # -- the filter ------------------------------------------------------------------------------

    def set_filter_text(self, text: str) -> None:
        def change() -> None:
            self._needle = folded(text.strip())  # as the names are (core/names.py)
            self._only_ids = None

        self._refilter(change)

    def set_only(self, account_ids: frozenset[int] | None) -> None:
        """Show exactly these accounts (a pasted key's owner; an empty set: none), or None to filter again."""

        def change() -> None:
            self._only_ids = account_ids
            self._needle = ""

        self._refilter(change)

    def set_show(self, show: str) -> None:
        """ALL, UNUSED (no test in 30 days) or PAST_POLICY (key older than the rotation policy)."""

        def change() -> None:
            self.showing = show

        self._refilter(change)

    def refilter(self) -> None:
        """After the usage or the policy changed: what "unused" and "past the policy" match moved."""
        if self.showing != self.ALL:
            self._refilter(lambda: None)

    def _refilter(self, change: Callable[[], None]) -> None:
        change()
        shown = self._matching()
        if shown != self._shown:  # typing on within "pipeline-0" often leaves the same rows: no layout then
            self._relayout(lambda: shown)

    def _matching(self, rows: Sequence[int] | None = None) -> list[int]:
        """The source rows (all, or just `rows`) the filter lets through, ascending."""
        model = self._source
        candidates = range(model.rowCount()) if rows is None else rows
        if self._only_ids is not None:
            only = self._only_ids
            return [row for row in candidates if model.id_at(row) in only]
        needle, folded = self._needle, model.folded_all()
        if needle and rows is None:
            candidates = self._holding(needle)
        elif needle:
            candidates = [row for row in candidates if needle in folded[row]]
        if self.showing == self.UNUSED:
            return [row for row in candidates if model.use(model.at(row)) is Use.UNUSED]
        if self.showing == self.PAST_POLICY:
            return [row for row in candidates if model.past_policy(model.at(row))]
        return list(candidates)

    def _holding(self, needle: str) -> list[int]:
        """The source rows whose folded name holds `needle`, from the trail where it can."""
        trail = self._trail
        if self._trail_generation != self._source.generation:  # rows came, went, moved or were renamed
            trail.clear()
            self._trail_generation = self._source.generation
        while trail and trail[-1][0] not in needle:  # a backspace, or other text: back to what it extends
            trail.pop()
        if trail and trail[-1][0] == needle:
            return trail[-1][1]
        folded = self._source.folded_all()
        candidates = trail[-1][1] if trail else range(len(folded))
        rows = [row for row in candidates if needle in folded[row]]
        trail.append((needle, rows))
        return rows

    def _relayout(self, shown: Callable[[], list[int]]) -> None:
        """One layout change to the rows `shown()` returns: selected and current rows that stay shown keep
        their selection; hidden ones lose it. One signal, however scattered the hidden rows are."""
        self._begin_layout()
        self._shown = shown()
        self._end_layout()

    def _begin_layout(self) -> None:
        self.layoutAboutToBeChanged.emit()
        model = self._source
        self._kept = [(model.id_at(self._shown[i.row()]), i.column()) for i in self.persistentIndexList()]

    def _end_layout(self) -> None:
        old = self.persistentIndexList()
        new = [self.index_of(account_id, column) for account_id, column in self._kept]
        self._kept = []
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def index_of(self, account_id: int, column: int = 0) -> QModelIndex:
        """Where the account is shown; invalid when it is filtered out or gone."""
        row = self._source.row_of(account_id)
        return self.mapFromSource(self._source.index(row, column)) if row is not None else QModelIndex()

    # -- QSortFilterProxyModel's mapping ----------------------------------------------------------

    def mapFromSource(self, source: Index) -> QModelIndex:
        if not source.isValid():
            return QModelIndex()
        row = bisect_left(self._shown, source.row())
        if row < len(self._shown) and self._shown[row] == source.row():
            return self.index(row, source.column())
        return QModelIndex()

    def mapToSource(self, index: Index) -> QModelIndex:
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return QModelIndex()
        return self._source.index(self._shown[index.row()], index.column())

    # -- Qt model interface ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._source.columnCount()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self._source.headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._shown):
            return None
        return self._source.cell(self._shown[row], index.column(), role)

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        # A painted cell asks for 7 roles at once (QStyledItemDelegate.initStyleOption): one call from C++
        # here, not 7 through data() with an index and an enum made for each.
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._shown):
            return
        cell, source_row, column = self._source.cell, self._shown[row], index.column()
        for wanted in cast("Iterable[QModelRoleData]", roles):  # a span at run time; the stubs omit its iteration
            wanted.setData(cell(source_row, column, wanted.role()))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)  # the model re-sorts; its layout change reaches the view from here

    # -- following the model ---------------------------------------------------------------------

    def _source_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()) -> None:
        # Shown rows only; a changed row is not filtered again until the filter changes (a renamed account
        # stays in view while the admin looks at it, as QSortFilterProxyModel without dynamic filtering did).
        first = bisect_left(self._shown, top_left.row())
        last = bisect_right(self._shown, bottom_right.row()) - 1
        if first <= last:
            self.dataChanged.emit(
                self.index(first, top_left.column()), self.index(last, bottom_right.column()), list(roles)
            )

    def _source_header_changed(self, orientation: Qt.Orientation, first: int, last: int) -> None:
        if orientation == Qt.Orientation.Horizontal:  # the columns are the model's; its rows are not ours
            self.headerDataChanged.emit(orientation, first, last)

    def _source_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        count = last - first + 1
        at = bisect_left(self._shown, first)
        self._shown[at:] = [row + count for row in self._shown[at:]]
        new = self._matching(range(first, last + 1))
        if new:  # consecutive source rows: one block of shown rows
            self.beginInsertRows(QModelIndex(), at, at + len(new) - 1)
            self._shown[at:at] = new
            self.endInsertRows()

    def _source_rows_about_to_be_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        lo, hi = bisect_left(self._shown, first), bisect_right(self._shown, last)
        self._removing = lo < hi
        if self._removing:
            self.beginRemoveRows(QModelIndex(), lo, hi - 1)

    def _source_rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        count = last - first + 1
        lo, hi = bisect_left(self._shown, first), bisect_right(self._shown, last)
        self._shown[lo:] = [row - count for row in self._shown[hi:]]
        if self._removing:
            self._removing = False
            self.endRemoveRows()

    # A sort shows the same accounts in the new order: not filtered again. An account changed since the filter
    # was applied (a rotated key no longer "past the policy") stays until the filter changes, as it would
    # without the sort (QA4 saw a header click hide the row just rotated).
    def _source_layout_about_to_change(self, *_: Any) -> None:
        model = self._source
        self._kept_ids = None if self.all_shown() else [model.id_at(row) for row in self._shown]
        self._begin_layout()

    def _source_layout_changed(self, *_: Any) -> None:
        model, ids = self._source, self._kept_ids
        if ids is None:
            self._shown = list(range(model.rowCount()))
        else:
            self._shown = sorted(row for row in map(model.row_of, ids) if row is not None)
        self._kept_ids = None
        self._end_layout()

    def all_shown(self) -> bool:
        """No account is filtered out."""
        return len(self._shown) == self._source.rowCount()

    def _source_reset(self) -> None:
        self._shown = self._matching()
        self.endResetModel()


# The Show combo's choices, in the window from its first frame (filled by the controllers, it painted empty and
# then widened to "All accounts" once start-up had imported them).
SHOW_CHOICES = (
    ("All accounts", AccountsProxy.ALL),
    (f"Unused (no test in {UNUSED_DAYS} days)", AccountsProxy.UNUSED),
    ("Keys past the rotation policy", AccountsProxy.PAST_POLICY),
)
