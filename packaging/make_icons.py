"""Regenerate the app icon's PNGs from resources/tbdesk.svg (tests/test_packaging.py checks they match)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication

from tbdesk.desktop import write_pngs

app = QGuiApplication([])
for path in write_pngs():
    print(path)
