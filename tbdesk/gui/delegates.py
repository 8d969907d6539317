"""Key and secret cells: the mask (or value), an eye button and a copy button, all painted.

No widget per row: the delegate paints the buttons and reacts to clicks in editorEvent, which keeps
10,000 rows as cheap as 10.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QHelpEvent, QIcon, QMouseEvent, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QToolTip

from .cell_pictures import CellPictures
from .icons import icon
from .models import BUSY_ROLE, REVEALED_ROLE

BUTTON = 22
GAP = 2


def _left_click(event: QEvent) -> TypeGuard[QMouseEvent]:
    """The left button released over a cell: what the painted buttons react to."""
    return (
        event.type() == QEvent.Type.MouseButtonRelease
        and isinstance(event, QMouseEvent)
        and event.button() == Qt.MouseButton.LeftButton
    )


class CredentialDelegate(QStyledItemDelegate):
    reveal_clicked = Signal(QModelIndex)
    copy_clicked = Signal(QModelIndex)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}
        self._pictures = CellPictures()  # a hidden cell looks the same in every row

    def _icon(self, name: str) -> QIcon:
        if name not in self._icons:
            self._icons[name] = icon(name)
        return self._icons[name]

    @staticmethod
    def button_rects(cell: QRect) -> tuple[QRect, QRect]:
        """(eye, copy), right-aligned in the cell."""
        top = cell.top() + (cell.height() - BUTTON) // 2
        copy = QRect(cell.right() - BUTTON - GAP, top, BUTTON, BUTTON)
        eye = QRect(copy.left() - BUTTON - GAP, top, BUTTON, BUTTON)
        return eye, copy

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 2 * (BUTTON + GAP) + 8, max(hint.height(), BUTTON + 4))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if index.data(REVEALED_ROLE) or index.data(BUSY_ROLE):
            self._paint(painter, option, index)  # a key or secret shown is never kept in a picture
        else:
            self._pictures.paint(painter, option, "hidden", lambda p, o: self._paint(p, o, index))

    def _paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        eye, copy = self.button_rects(opt.rect)
        opt.rect = opt.rect.adjusted(0, 0, -(2 * (BUTTON + GAP) + 4), 0)  # text stops before the buttons
        if index.data(BUSY_ROLE):
            opt.icon = self._icon("busy")
            opt.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = opt.widget.style() if opt.widget else None
        if style is None:
            return
        # The row's background under the buttons too, then the text part.
        full = QStyleOptionViewItem(option)
        full.text = ""
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, opt.widget)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        revealed = bool(index.data(REVEALED_ROLE))
        mode = QIcon.Mode.Selected if option.state & QStyle.StateFlag.State_Selected else QIcon.Mode.Normal
        self._icon("eye-off" if revealed else "eye").paint(
            painter, eye.adjusted(3, 3, -3, -3), Qt.AlignmentFlag.AlignCenter, mode
        )
        self._icon("copy").paint(painter, copy.adjusted(3, 3, -3, -3), Qt.AlignmentFlag.AlignCenter, mode)

    def editorEvent(
        self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if _left_click(event):
            eye, copy = self.button_rects(option.rect)
            pos = event.position().toPoint()
            if eye.contains(pos):
                self.reveal_clicked.emit(_plain(index))
                return True
            if copy.contains(pos):
                self.copy_clicked.emit(_plain(index))
                return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(
        self, event: QHelpEvent, view: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> bool:
        eye, copy = self.button_rects(option.rect)
        what = "key" if index.column() == 1 else "secret"
        if eye.contains(event.pos()):
            verb = "Hide" if index.data(REVEALED_ROLE) else "Reveal"
            QToolTip.showText(event.globalPos(), f"{verb} the {what}", view)
            return True
        if copy.contains(event.pos()):
            QToolTip.showText(event.globalPos(), f"Copy the {what}", view)
            return True
        return super().helpEvent(event, view, option, index)


class MoreDelegate(QStyledItemDelegate):
    """The per-row "…" button that opens the row's actions menu."""

    clicked = Signal(QModelIndex)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._pictures = CellPictures()  # the same in every row

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self._pictures.paint(painter, option, "more", lambda p, o: self._paint(p, o, index))

    def _paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        mode = QIcon.Mode.Selected if option.state & QStyle.StateFlag.State_Selected else QIcon.Mode.Normal
        r = option.rect
        side = min(r.height(), BUTTON) - 6
        target = QRect(r.center().x() - side // 2, r.center().y() - side // 2, side, side)
        icon("more").paint(painter, target, Qt.AlignmentFlag.AlignCenter, mode)

    def editorEvent(
        self, event: QEvent, model: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if _left_click(event):
            self.clicked.emit(_plain(index))
            return True
        return super().editorEvent(event, model, option, index)


def _plain(index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
    """The signals carry a QModelIndex; views hand editorEvent either kind."""
    if isinstance(index, QModelIndex):
        return index
    return index.model().index(index.row(), index.column(), index.parent())
