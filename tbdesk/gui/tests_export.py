"""The save dialog for exporting the shown tests as CSV. Remembers the folder (never a file's content)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

FOLDER_KEY = "export/folder"


def start_folder(settings: QSettings) -> str:
    """The folder of the last export, else Documents, else home: never the working directory, where Qt's
    dialog falls back to for a folder that does not exist (a fresh account may have no Documents)."""
    saved = settings.value(FOLDER_KEY)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    for folder in (saved, documents):
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


def ask_csv_path(parent: QWidget, settings: QSettings, then: Callable[[str], None]) -> QFileDialog:
    """Open a window-modal save dialog; `then(path)` when the user saves (Qt asks before overwriting)."""
    folder = start_folder(settings)
    dialog = QFileDialog(parent, "Export tests as CSV", str(Path(folder) / f"tbdesk-tests-{date.today():%Y-%m-%d}.csv"))
    dialog.setObjectName("exportDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters(["CSV files (*.csv)", "All files (*)"])
    dialog.setDefaultSuffix("csv")

    def chosen(path: str) -> None:
        settings.setValue(FOLDER_KEY, str(Path(path).parent))
        then(path)

    dialog.fileSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
