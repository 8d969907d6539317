"""SVG icons drawn in the palette's text colour, so they follow the system's light or dark theme."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from ..paths import resource

SIZES = (16, 20, 24, 32, 48)


def icon(name: str, role: QPalette.ColorRole = QPalette.ColorRole.WindowText) -> QIcon:
    app = QApplication.instance()
    color = app.palette().color(role) if isinstance(app, QApplication) else QColor("#333333")
    return _icon(name, color.name())


@cache
def _icon(name: str, color: str) -> QIcon:
    svg = resource("icons", f"{name}.svg").read_text("utf-8").replace("currentColor", color)
    renderer = QSvgRenderer(QByteArray(svg.encode()))
    out = QIcon()  # Qt derives the disabled look from these pixmaps
    for size in SIZES:
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        out.addPixmap(pix)
    return out


def app_icon() -> QIcon:
    return QIcon(str(resource("tbdesk.svg")))
