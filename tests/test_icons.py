"""The toolbar's, menus' and tables' icons: drawn when Qt asks, at the size and scale it asks, in the palette's
text colour; disabled the way the style disables any icon."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption

from tbdesk.gui.icons import icon
from tbdesk.paths import resource


def drawn_directly(name: str, pixels: int) -> QImage:
    """The SVG rendered straight at `pixels`, in the window text colour: what a sharp icon looks like."""
    color = QApplication.palette().color(QPalette.ColorRole.WindowText).name()
    svg = resource("icons", f"{name}.svg").read_text("utf-8").replace("currentColor", color)
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(QByteArray(svg.encode())).render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return image


@pytest.mark.parametrize(("size", "scale"), [(16, 1.0), (18, 1.0), (18, 2.0), (22, 1.5)])
def test_an_icon_is_drawn_sharp_at_the_size_and_scale_asked(qapp, size, scale):
    pixmap = icon("rotate").pixmap(QSize(size, size), scale)
    pixels = round(size * scale)
    assert pixmap.devicePixelRatio() == scale
    assert (pixmap.width(), pixmap.height()) == (pixels, pixels)
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(1.0)
    assert image == drawn_directly("rotate", pixels)  # not another size scaled: no blur


def test_an_icon_painted_on_a_2x_device_is_drawn_at_2x(qapp):
    image = QImage(36, 36, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2.0)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    icon("rotate").paint(painter, QRect(0, 0, 18, 18))  # as a toolbar button paints it, at 2x
    painter.end()
    image.setDevicePixelRatio(1.0)
    assert image == drawn_directly("rotate", 36)


def test_an_icon_is_in_the_palette_text_colour(qapp):
    image = icon("add").pixmap(QSize(24, 24)).toImage()
    opaque = {
        image.pixelColor(x, y).name() for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha() == 255
    }
    assert opaque == {qapp.palette().color(QPalette.ColorRole.WindowText).name()}


def test_an_icon_in_a_selected_row_is_in_the_selection_text_colour(qapp):
    """QA5: the eye and copy marks stayed dark on the selection's blue (the style's tint of the normal ones)."""
    image = icon("eye").pixmap(QSize(24, 24), QIcon.Mode.Selected).toImage()
    opaque = {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }
    assert opaque == {qapp.palette().color(QPalette.ColorRole.HighlightedText).name()}


def test_a_disabled_icon_looks_as_the_style_disables_any_icon(qapp):
    add = icon("add")
    normal = add.pixmap(QSize(18, 18))
    disabled = add.pixmap(QSize(18, 18), QIcon.Mode.Disabled)
    option = QStyleOption()
    option.palette = qapp.palette()
    expected = qapp.style().generatedIconPixmap(QIcon.Mode.Disabled, normal, option)
    assert disabled.toImage() == expected.toImage()
    assert disabled.toImage() != normal.toImage()


def test_an_icon_keeps_its_shape_in_a_wide_rectangle(qapp):
    image = QImage(60, 20, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    icon("add").paint(painter, QRect(0, 0, 60, 20))
    painter.end()
    columns = [x for x in range(60) if any(image.pixelColor(x, y).alpha() for y in range(20))]
    assert columns and min(columns) >= 20 and max(columns) < 40  # a centred 20 x 20 square, not stretched


CLONE_PROBE = """
import gc
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication

app = QApplication([])
from tbdesk.gui.icons import icon

copy = QIcon(icon("add"))
extra = QPixmap(64, 64)
extra.fill(Qt.GlobalColor.red)
copy.addPixmap(extra)  # Qt clones the engine: the copy has its own
gc.collect()
assert not copy.pixmap(QSize(20, 20)).isNull() and not icon("add").pixmap(QSize(20, 20)).isNull()
del copy
gc.collect()
assert not icon("add").pixmap(QSize(30, 30)).isNull()
print("DRAWN", flush=True)
"""


def test_an_icon_copied_and_changed_keeps_drawing_and_the_process_ends_cleanly():
    done = subprocess.run(
        [sys.executable, "-c", CLONE_PROBE],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "DRAWN" in done.stdout, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_icon_in_resources_draws(qapp):
    for path in sorted(resource("icons").glob("*.svg")):
        image = icon(path.stem).pixmap(QSize(16, 16)).toImage()
        assert any(image.pixelColor(x, y).alpha() for x in range(16) for y in range(16)), f"{path.name} drew nothing"
