"""Sizes that follow the font: column widths measured from what the columns show (a window's size that fits
its screen is gui/fit.py's).

Fixed pixel widths were too wide for a 12-dot mask and too narrow for "Microsoft Edge 130"; measuring a
sample of each column's widest usual text keeps every column visible at the default size, whatever the
font. The name-like column (identifier, test name) stretches and takes what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QSize, QTimer
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QComboBox, QHeaderView, QStyle, QStyleOptionViewItem, QTableView

from .format import MASK

PADDING = 24  # cell margins and the sort arrow
ICON = 22  # a decoration (status dot, robot/person mark, warning mark)
CELL_BUTTONS = 2 * (22 + 2) + 12  # the eye and copy buttons of a key or secret cell (gui/delegates.py)


def text_width(view: QTableView, samples: tuple[str, ...], icon: bool = False, mono: bool = False) -> int:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont) if mono else view.font()
    metrics = QFontMetrics(font)
    return max(metrics.horizontalAdvance(s) for s in samples) + PADDING + (ICON if icon else 0)


def cell_width(view: QTableView, samples: tuple[str, ...], icon: bool = False) -> int:
    """The width a cell needs to show each sample whole, as the view's style lays out an item: text, an icon
    at the view's size, margins. For a column whose texts are much wider than its title: text_width's
    allowance for the header's sort arrow is room such cells never use, taken from the name column."""
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()
    features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
    if icon:
        features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
        size = view.iconSize()
        side = view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, view)
        option.decorationSize = size if size.isValid() else QSize(side, side)
    option.features = features
    widths = []
    for sample in samples:
        option.text = sample
        widths.append(view.style().sizeFromContents(QStyle.ContentsType.CT_ItemViewItem, option, QSize(), view).width())
    return max(widths) + 4  # a little air: a cell exactly as wide as its text reads as cut


def mask_width(view: QTableView) -> int:
    return text_width(view, (MASK,), mono=True) + CELL_BUTTONS


def apply_widths(view: QTableView, widths: Mapping[int, int], stretch: int) -> None:
    """Each column at least as wide as its header; `stretch` takes the room left."""
    header = view.horizontalHeader()
    model = view.model()
    metrics = QFontMetrics(header.font())
    for col, width in widths.items():
        title = str(model.headerData(col, header.orientation()) or "") if model is not None else ""
        header.resizeSection(col, max(width, metrics.horizontalAdvance(title) + PADDING + 8))
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(40)
    floor = NameFloor(view, stretch)
    view.viewport().installEventFilter(floor)
    header.sectionResized.connect(floor.section_resized)  # e.g. a key column widened to a revealed key
    floor.fit()


class NameFloor(QObject):
    """The name column stretches into the room left, but never below FLOOR pixels: on a small screen (or
    at 2x) the table scrolls sideways rather than cut every name to "on…"."""

    FLOOR = 180

    def __init__(self, view: QTableView, column: int) -> None:
        super().__init__(view)
        self.view, self.column = view, column

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def section_resized(self, col: int, *_: int) -> None:
        if col != self.column:
            self.fit()

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        others = sum(
            header.sectionSize(c) for c in range(header.count()) if c != self.column and not header.isSectionHidden(c)
        )
        room = self.view.viewport().width() - others
        mode = QHeaderView.ResizeMode.Stretch if room >= self.FLOOR else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(self.column) != mode:
            header.setSectionResizeMode(self.column, mode)
            # Switched while the header handles a resize (a key or secret hidden gives the name its room back),
            # Qt repainted the titles at their old places: 5-75 px off the cells below (QA20).
            header.viewport().update()
        if mode is QHeaderView.ResizeMode.Interactive and header.sectionSize(self.column) < self.FLOOR:
            header.resizeSection(self.column, self.FLOOR)  # a wider one the admin chose stays


class RevealedFit(QObject):
    """A key or secret column widens to show its revealed values in full (the name column yields the room)
    and returns to its width from before once they are hidden: a revealed credential cut to "38c0c8fd8712b8…"
    could not be read, and a tooltip is no place for a secret. That width is the admin's (or the one
    remembered): a refresh put the mask's back, every 30 s (QA18)."""

    def __init__(self, view: QTableView, model: QAbstractItemModel, values: Callable[[int], list[str]]) -> None:
        super().__init__(view)
        self.view, self.values = view, values
        self.columns: dict[int, int] = {}  # column -> its width with nothing revealed in it
        self._widened: set[int] = set()  # columns sized here to values revealed
        self._revealed_col = -1  # the column of the value last revealed, while it is being fitted
        for signal in (model.dataChanged, model.modelReset, model.rowsRemoved, model.layoutChanged):
            signal.connect(self.fit)

    def add(self, col: int) -> None:
        self.columns[col] = self.view.horizontalHeader().sectionSize(col)

    def fit(self, *changed: object) -> None:
        header = self.view.horizontalHeader()
        widened = False
        first = changed[0] if changed else None  # dataChanged's top-left cell: the one revealed
        self._revealed_col = first.column() if isinstance(first, QModelIndex) and first.column() in self.columns else -1
        for col in self.columns:
            current = header.sectionSize(col)
            if col not in self._widened:
                self.columns[col] = current  # as the admin left it: what it returns to
            shown = self.values(col)
            if shown:
                width = max(self.columns[col], text_width(self.view, tuple(shown), mono=True) + CELL_BUTTONS)
                self._widened.add(col)
            else:
                width = self.columns[col]
                self._widened.discard(col)
            if current != width:
                widened |= width > current
                header.resizeSection(col, width)
        if widened:  # a horizontal scroll bar may come with it, over the bottom row: the one revealed (QA15)
            QTimer.singleShot(0, self, self._keep_current)

    def _keep_current(self) -> None:
        """The current row in sight, at the value just revealed: Ctrl+Shift+C left a secret past the right edge
        of a narrow window (QA16); the current cell is the row's name."""
        current = self.view.currentIndex()
        if current.isValid():
            col = self._revealed_col
            self.view.scrollTo(current.siblingAtColumn(col) if col >= 0 else current)


def columns_fit(view: QTableView) -> bool:
    """Every visible column is within the viewport (no horizontal scrolling needed)."""
    header = view.horizontalHeader()
    right = max(
        (header.sectionViewportPosition(c) + header.sectionSize(c) for c in range(header.count())),
        default=0,
    )
    return right <= view.viewport().width()


class WholeChoices(QObject):
    """A combo box never narrower than its longest choice (QA5: "Any resul" in a narrow window, "Unused (no
    test in 30 day" at 2x). Qt's own minimum for a combo is narrower than its text as the style draws it;
    measured again when its choices, font or style change."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        combo.installEventFilter(self)
        model = combo.model()
        model.rowsInserted.connect(self.fit)
        model.rowsRemoved.connect(self.fit)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # After the combo has handled the event: it measures itself anew on these (on its first show too).
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.Show):
            QTimer.singleShot(0, self.fit)
        return False

    def fit(self, *_: object) -> None:
        self.combo.setMinimumWidth(self.combo.sizeHint().width())
