"""A current-cell outline that can be seen in a selected row.

Qt's styles draw the keyboard's current cell with a thin focus frame blended from the highlight colour: on
a selected (highlighted) row it all but disappears, so an admin moving with the arrows cannot tell which
cell the Space key (reveal) or Enter would act on. This proxy style draws it as a 2-pixel rule in the
colour that contrasts with the row: the highlighted text colour on a selected row, the highlight elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QProxyStyle, QStyle, QStyleOption, QWidget


class FocusOutlineStyle(QProxyStyle):
    def drawPrimitive(
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: QWidget | None = None
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect and isinstance(widget, QAbstractItemView):
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
            painter.save()
            pen = QPen(option.palette.color(role), 2)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()
            return
        super().drawPrimitive(element, option, painter, widget)


def outline_current_cell(view: QAbstractItemView) -> None:
    style = FocusOutlineStyle()  # on the application's style
    style.setParent(view)  # lives as long as the view
    view.setStyle(style)
