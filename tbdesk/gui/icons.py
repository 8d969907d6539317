"""SVG icons drawn in the palette's text colour, so they follow the system's light or dark theme.

Each is drawn when Qt first asks for it, at the size and scale asked (sharp at 18 px and at 2x alike):
drawing every icon at five sizes up front cost ~5 ms of the first paint (issue #16).
"""

from __future__ import annotations

import math
from functools import cache
from typing import ClassVar

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
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

    def __init__(self, svg: bytes) -> None:
        super().__init__()
        self._svg = svg
        self._renderer: QSvgRenderer | None = None
        self._pixmaps: dict[tuple[int, int, float, QIcon.Mode], QPixmap] = {}

    def clone(self) -> QIconEngine:
        copy = SvgIconEngine(self._svg)
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
        if pixmap is None:
            pixmap = self._render(size, scale)
            if mode != QIcon.Mode.Normal:
                option = QStyleOption()
                option.palette = QGuiApplication.palette()
                style = QApplication.style()
                if style is not None:
                    pixmap = style.generatedIconPixmap(mode, pixmap, option)
                    pixmap.setDevicePixelRatio(scale)
            self._pixmaps[key] = pixmap
        return pixmap

    def _render(self, size: QSize, scale: float) -> QPixmap:
        if self._renderer is None:
            self._renderer = QSvgRenderer(QByteArray(self._svg))
        pixmap = QPixmap(QSize(round(size.width() * scale), round(size.height() * scale)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self._renderer.render(painter, QRectF(pixmap.rect()))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        return pixmap


def icon(name: str, role: QPalette.ColorRole = QPalette.ColorRole.WindowText) -> QIcon:
    app = QApplication.instance()
    color = app.palette().color(role) if isinstance(app, QApplication) else QColor("#333333")
    return _icon(name, color.name())


@cache
def _icon(name: str, color: str) -> QIcon:
    svg = resource("icons", f"{name}.svg").read_text("utf-8").replace("currentColor", color)
    return QIcon(SvgIconEngine(svg.encode()))


def app_icon() -> QIcon:
    return QIcon(str(resource("tbdesk.svg")))
