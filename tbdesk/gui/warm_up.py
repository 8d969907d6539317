"""What Qt and PySide6 make the first time rows are painted, made before they arrive (issue #16).

The first paint of the accounts with their rows cost ~16 ms against ~3 ms for the next one, all inside the
longest stall of signing in. Two parts of that one-time cost are made ahead:
- PySide6 makes a Python type (and its enums) the first time an object of a Qt class reaches Python. Every
  QStyleOption subclass reaches Python through the focus outline style (gui/focus_style.py, a Python
  QProxyStyle): ~20 types, ~3 ms. Made when this module is imported: behind the window, on start-up's
  import thread (tbdesk.app imports it).
- The rows' icons: each SVG is parsed the first time it is drawn. Parsed by `row_icons`, on the main thread
  (pixmaps belong to it), in one short step before signing in has an answer.
"""

from __future__ import annotations

from PySide6 import QtWidgets
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPalette

from .icons import icon

STYLE_OPTIONS = tuple(getattr(QtWidgets, name) for name in dir(QtWidgets) if name.startswith("QStyleOption"))

ROW_ICONS = ("eye", "eye-off", "copy", "more", "busy", "warning", "robot", "person")


def row_icons() -> None:
    """Parse each row icon's SVG in the colours a row draws it in (a selected row's too: signing in selects
    the first one)."""
    size = QSize(16, 16)
    for name in ROW_ICONS:
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected):
            icon(name).pixmap(size, mode)
    icon("unused", QPalette.ColorRole.PlaceholderText).pixmap(size)
