"""Colours for the activity charts, taken from the palette so they read on light and dark themes.

Qt's palette has no "warning" role, so failures use a red picked for the palette's lightness (the same
idea as KDE's NegativeText): darker on a light window, lighter on a dark one, both above 3:1 contrast
with the base colour. Passed tests use the palette's own text colour, muted, so the red stands out.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from ..core.activity import FAILED, PASSED, RUNNING, UNKNOWN


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def warning(palette: QPalette) -> QColor:
    return QColor("#ff6b6b") if is_dark(palette) else QColor("#c62828")


def passed(palette: QPalette) -> QColor:
    return QColor("#5cc98a") if is_dark(palette) else QColor("#2e7d4f")


def muted(palette: QPalette, role: QPalette.ColorRole = QPalette.ColorRole.Text, alpha: float = 0.55) -> QColor:
    c = QColor(palette.color(role))
    c.setAlphaF(alpha)
    return c


def result_colors(palette: QPalette) -> dict[int, QColor]:
    """By activity result index: passed, failed (warning), unknown (muted text), running (link blue)."""
    return {
        PASSED: passed(palette),
        FAILED: warning(palette),
        UNKNOWN: muted(palette, alpha=0.35),
        RUNNING: QColor(palette.color(QPalette.ColorRole.Link)),
    }
