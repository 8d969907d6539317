"""Load Qt Designer layouts from ui/ at run time (QUiLoader): no generated module that could go stale."""

from __future__ import annotations

import contextlib
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..paths import ui_file

W = TypeVar("W", bound=QObject)


def plain_loader(*custom: type[QWidget]) -> QUiLoader:
    """A QUiLoader that loads no Qt Designer plugin (tbdesk's forms use none), knowing the `custom` classes.

    Its constructor loads every plugin in the library paths' designer/ folders (Qt Quick's widget among them:
    ~7 ms each time), so it is made with no library path. Registering a class makes PySide6 look for plugins
    again, in the current folder (it adds "" to the plugin paths): a folder tbdesk does not choose could hold
    a library that would then be loaded. It is done from ui/, which holds forms only.
    """
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        loader = QUiLoader()
    finally:
        QCoreApplication.setLibraryPaths(paths)
    if custom:
        with contextlib.chdir(ui_file(".")):
            for kind in custom:
                loader.registerCustomWidget(kind)
    return loader


def load_form(name: str, parent: QWidget | None = None, loader: QUiLoader | None = None) -> QWidget:
    path = ui_file(name)
    device = QFile(str(path))
    if not device.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"cannot open {path}")
    loader = loader or plain_loader()
    try:
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
