"""Desktop integration: render the app icon's PNGs, and install launcher, icons and AppStream metadata
into the user's XDG folders (`tbdesk --install-desktop`, for a pip install; packages do this themselves)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .paths import resource

APP_ID = "io.github.tbdesk.tbdesk"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render_png(size: int):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(resource("tbdesk.svg"))).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_path(size: int) -> Path:
    return resource("icons", "app", f"{size}x{size}.png")


def write_pngs() -> list[Path]:
    """Regenerate resources/icons/app/*.png from resources/tbdesk.svg (packaging/make_icons.py)."""
    out = []
    for size in PNG_SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        render_png(size).save(str(path))
        out.append(path)
    return out


def launcher_command() -> str:
    """How the launcher starts tbdesk: the installed script if on PATH, else this interpreter."""
    if getattr(sys, "frozen", False):
        return sys.executable
    found = shutil.which("tbdesk")
    return found or f"{sys.executable} -m tbdesk"


def install(data_home: Path | None = None) -> list[Path]:
    data_home = data_home or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    written: list[Path] = []

    def put(source: Path, target: Path, text: str | None = None) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            shutil.copyfile(source, target)
        else:
            target.write_text(text, "utf-8")
        written.append(target)

    desktop = resource(f"{APP_ID}.desktop").read_text("utf-8").replace("Exec=tbdesk", f"Exec={launcher_command()}")
    put(resource(f"{APP_ID}.desktop"), data_home / "applications" / f"{APP_ID}.desktop", desktop)
    put(resource(f"{APP_ID}.metainfo.xml"), data_home / "metainfo" / f"{APP_ID}.metainfo.xml")
    icons = data_home / "icons" / "hicolor"
    put(resource("tbdesk.svg"), icons / "scalable" / "apps" / f"{APP_ID}.svg")
    for size in PNG_SIZES:
        put(png_path(size), icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    return written
