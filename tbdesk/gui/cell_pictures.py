"""Pictures of table cells that many rows paint alike: drawn once, then copied.

A hidden key or secret paints the same mask and buttons in every row, and a row's sparkline is the same from
one keystroke to the next. Painting such a cell through the style and the icon engine from Python cost
~50 µs, ~1.4 ms of each repaint of the accounts table while the admin types in the filter (issue #16);
copying its picture costs a fifth of that.

The picture is keyed by everything of the option that changes how the cell looks (size, scale, state,
features, palette, font, direction), so a selected row, the focused cell or a theme change draws anew. Text
drawn on a transparent picture loses subpixel antialiasing: Qt's own styles cache their pixmaps the same way.
Only what is safe to keep goes in a key: a revealed secret is painted directly, never kept in a picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QStyleOptionViewItem

Draw = Callable[[QPainter, QStyleOptionViewItem], None]


class CellPictures:
    def __init__(self, limit: int = 512) -> None:
        self._pictures: dict[Hashable, QPixmap] = {}
        self._limit = limit  # ~10 KB a picture: a bounded cache, emptied when full

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, what: Hashable, draw: Draw) -> None:
        """Paint the cell at `option.rect` as `draw` would, from the picture of `what` when there is one."""
        rect = option.rect
        transform = painter.deviceTransform()  # includes the device's pixel ratio (see icons.SvgIconEngine)
        scale = math.hypot(transform.m11(), transform.m12()) or 1.0
        key = (
            what,
            rect.width(),
            rect.height(),
            scale,
            option.state,
            option.features,
            option.direction,
            option.palette.cacheKey(),
            option.font.key(),
        )
        picture = self._pictures.get(key)
        if picture is None:
            picture = self._draw(option, scale, draw)
            if len(self._pictures) >= self._limit:
                self._pictures.clear()
            self._pictures[key] = picture
        painter.drawPixmap(rect, picture)

    @staticmethod
    def _draw(option: QStyleOptionViewItem, scale: float, draw: Draw) -> QPixmap:
        width, height = option.rect.width(), option.rect.height()
        picture = QPixmap(max(1, round(width * scale)), max(1, round(height * scale)))
        picture.setDevicePixelRatio(scale)
        picture.fill(Qt.GlobalColor.transparent)
        local = QStyleOptionViewItem(option)
        local.rect = QRect(0, 0, width, height)
        painter = QPainter(picture)
        try:
            draw(painter, local)
        finally:
            painter.end()
        return picture
