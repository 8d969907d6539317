"""A window's size that fits its screen at any scale factor; light enough for the first frame (no QStyle)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

DEFAULT_SIZE = QSize(1180, 760)
SCREEN_SHARE = 0.92  # of the available screen, at most: room for the panel and the window frame


def default_size(widget: QWidget) -> QSize:
    """DEFAULT_SIZE, or less where the screen is smaller (a laptop, or QT_SCALE_FACTOR=2)."""
    return fitted(widget, DEFAULT_SIZE)


def fitted(widget: QWidget, wanted: QSize) -> QSize:
    """`wanted`, or less where the screen is smaller: a window or dialog never opens taller or wider than its
    screen (QA6: at 2x the hand-over dialog's Close button was below the screen's edge)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size()
    return QSize(
        min(wanted.width(), int(room.width() * SCREEN_SHARE)),
        min(wanted.height(), int(room.height() * SCREEN_SHARE)),
    )
