"""The frame every dialog asks the window manager for: a title and a close button, nothing else."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

DIALOG_FRAME = (
    Qt.WindowType.Dialog
    | Qt.WindowType.CustomizeWindowHint  # only the buttons named here (else the WM picks its own set)
    | Qt.WindowType.WindowTitleHint
    | Qt.WindowType.WindowCloseButtonHint
)


def dialog_frame(dialog: QDialog) -> None:
    """No minimise or maximise button: a dialog belongs to its window and is sized to its content; some window
    managers show both for any window that does not say otherwise."""
    dialog.setWindowFlags(DIALOG_FRAME)
