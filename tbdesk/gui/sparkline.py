"""The "Last 14 days" column: one small bar per day, the failed part of each bar in the warning colour.

Painted by the delegate with QPainter (no chart library: 10,000 rows must cost nothing until shown, and a
row's picture is 14 rectangles). Each row is scaled to its own busiest day; the tooltip gives the numbers.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.activity import Spark
from . import chart_colors
from .cell_pictures import CellPictures
from .models import SPARK_ROLE

BAR_GAP = 1.0
PAD_X, PAD_Y = 6, 6


class SparklineDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pictures = CellPictures()  # a row's bars stay the same while the admin types in the filter

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(14 * 5 + 2 * PAD_X, 24)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        spark = index.data(SPARK_ROLE)
        if not isinstance(spark, Spark):
            super().paint(painter, option, index)  # "…" while usage loads
            return
        bars = (spark.totals, spark.failed)
        self._pictures.paint(painter, option, bars, lambda p, o: self._paint(p, o, index, spark))

    def _paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        spark: Spark,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        total_color = chart_colors.muted(palette, role, 0.75 if selected else 0.5)
        failed_color = chart_colors.warning(palette)
        area = QRectF(option.rect).adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        n = len(spark.totals)
        if n == 0 or area.width() <= n or area.height() < 4:
            return
        step = area.width() / n
        bar_w = max(1.0, step - BAR_GAP)
        top = max(spark.totals) or 1
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        baseline = chart_colors.muted(palette, role, 0.25)
        painter.fillRect(QRectF(area.left(), area.bottom() - 1, area.width(), 1), baseline)  # zero days show
        for i, (total, failed) in enumerate(zip(spark.totals, spark.failed, strict=True)):
            if not total:
                continue
            x = area.left() + i * step
            h = max(2.0, area.height() * total / top)
            fh = area.height() * failed / top if failed else 0.0
            if failed:
                fh = max(2.0, fh)
            painter.fillRect(QRectF(x, area.bottom() - h, bar_w, h - fh), total_color)
            if fh:
                painter.fillRect(QRectF(x, area.bottom() - fh, bar_w, fh), failed_color)
        painter.restore()
