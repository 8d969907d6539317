"""Keys on the accounts table's painted buttons: Space on a Key/Secret cell is its eye, Enter or Space on
the "…" cell opens the row's menu. The buttons are painted (no widget per row), so without this they
would answer only to the mouse."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

from .models import CREDENTIAL_COLUMNS, AccountCol

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RowKeys(QObject):
    reveal = Signal(QModelIndex)  # Space on a Key or Secret cell
    menu = Signal(QModelIndex)  # Enter or Space on the "…" cell

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+Space, Shift+Space… keep their selection meaning
        index = self.view.currentIndex()
        if not index.isValid():
            return False
        key = event.key()
        if index.column() == AccountCol.MORE and (key == Qt.Key.Key_Space or key in _ENTER):
            self.menu.emit(index)
            return True
        if index.column() in CREDENTIAL_COLUMNS and key == Qt.Key.Key_Space:
            self.reveal.emit(index)
            return True
        return False
