"""SVG icons drawn in the palette's text colour, so they follow the system's light or dark theme.

Each is drawn when Qt first asks for it, at the size and scale asked (sharp at 18 px and at 2x alike):
drawing every icon at five sizes up front cost ~5 ms of the first paint (issue #16).
"""

from __future__ import annotations

import math
from functools import cache
from typing import ClassVar

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption

from ..paths import resource


class SvgIconEngine(QIconEngine):
    """Renders one SVG at each size, scale and mode Qt asks for, once. Other modes than Normal (disabled,
    selected) are derived by the style, as Qt does for an icon made of pixmaps."""

    # Qt owns a clone (QIcon's copy-on-write) yet PySide6 leaves it to Python: kept here, Python never frees
    # one that Qt still uses. tbdesk never modifies an icon, so none is made; this is for safety only.
    _clones: ClassVar[list[SvgIconEngine]] = []

    def __init__(self, svg: str, color: str) -> None:
        super().__init__()
        self._svg, self._color = svg, color  # the SVG draws in "currentColor": this colour, or the selection's
        self._renderers: dict[str, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[int, int, float, QIcon.Mode], QPixmap] = {}

    def clone(self) -> QIconEngine:
        copy = SvgIconEngine(self._svg, self._color)
        SvgIconEngine._clones.append(copy)
        return copy

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        side = min(size.width(), size.height())  # square icons keep their shape in any rectangle
        return QSize(side, side)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        # The device's pixel ratio from the painter's device transform (it includes it), not from
        # painter.device() as Qt's own engine does: wrapping that device cost PySide6 ~7 ms the first time (it
        # sets up every QPaintDevice class to find its type), before the first paint.
        transform = painter.deviceTransform()
        scale = math.hypot(transform.m11(), transform.m12()) or 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        key = (size.width(), size.height(), scale, mode)
        pixmap = self._pixmaps.get(key)
        if pixmap is None and mode == QIcon.Mode.Selected:
            # In a selected row: drawn in the selection's text colour, as the row's text is (the style's tint
            # of the normal pixmap left dark marks on the selection's blue; QA5).
            selected = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText).name()
            pixmap = self._pixmaps[key] = self._render(size, scale, selected)
        elif pixmap is None:
            pixmap = self._render(size, scale, self._color)
            if mode != QIcon.Mode.Normal:
                option = QStyleOption()
                option.palette = QGuiApplication.palette()
                style = QApplication.style()
                if style is not None:
                    pixmap = style.generatedIconPixmap(mode, pixmap, option)
                    pixmap.setDevicePixelRatio(scale)
            self._pixmaps[key] = pixmap
        return pixmap

    def _render(self, size: QSize, scale: float, color: str) -> QPixmap:
        renderer = self._renderers.get(color)
        if renderer is None:
            svg = self._svg.replace("currentColor", color).encode()
            renderer = self._renderers[color] = QSvgRenderer(QByteArray(svg))
        pixmap = QPixmap(QSize(round(size.width() * scale), round(size.height() * scale)))
        pixmap.fill(QColor(0, 0, 0, 0))  # transparent; not Qt.GlobalColor: see gui/first_frame.py
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(pixmap.rect()))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap


def icon(name: str, role: QPalette.ColorRole = QPalette.ColorRole.WindowText) -> QIcon:
    app = QApplication.instance()
    color = app.palette().color(role) if isinstance(app, QApplication) else QColor("#333333")
    return _icon(name, color.name())


@cache
def _icon(name: str, color: str) -> QIcon:
    return QIcon(SvgIconEngine(resource("icons", f"{name}.svg").read_text("utf-8"), color))
