"""Load Qt Designer layouts from ui/ at run time (QUiLoader): no generated module that could go stale."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..paths import ui_file

W = TypeVar("W", bound=QObject)


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    # Imported with the first dialog: the main window's form comes from form_cache, so QtUiTools and QFile
    # (~2 ms) stay out of the first paint.
    from PySide6.QtCore import QFile, QIODevice
    from PySide6.QtUiTools import QUiLoader

    path = ui_file(name)
    device = QFile(str(path))
    if not device.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"cannot open {path}")
    try:
        loader = QUiLoader()
        content = loader.load(device, parent)
    finally:
        device.close()
    if content is None:
        raise RuntimeError(f"{path}: {loader.errorString()}")
    return content


def embed(name: str, host: QWidget) -> QWidget:
    """Load ui/<name> as the whole content of `host` (a dialog)."""
    content = load_form(name, host)
    layout = QVBoxLayout(host)
    layout.addWidget(content)
    return content


def child(root: QWidget, kind: type[W], name: str) -> W:
    found = root.findChild(kind, name)
    if found is None:
        raise LookupError(f"the layout has no {kind.__name__} named {name!r}")
    return found


def relayout(*widgets: QWidget) -> None:
    """Lay these widgets out now, innermost first: a label just shown counts in their size hints at once
    (else a resize right after still sizes for the layout without it)."""
    for widget in widgets:
        if (layout := widget.layout()) is not None:
            layout.activate()
