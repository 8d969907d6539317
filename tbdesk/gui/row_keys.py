"""Keys on the accounts table's painted buttons: Space on a Key/Secret cell is its eye, Enter or Space on
the "…" cell opens the row's menu. The buttons are painted (no widget per row), so without this they
would answer only to the mouse.

A context-menu event from the keyboard is dropped: the Menu key and Shift+F10 are the window's
row_menu_action shortcut already, and Qt's xcb platform also sends one of these with every Menu key press,
which opened a second menu under the first."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView

from .models import CREDENTIAL_COLUMNS, AccountCol

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class NoKeyboardContextMenu(QObject):
    """For a table whose menu is a Shift+F10 / Menu key shortcut: the keyboard context-menu event xcb adds
    to a Menu key press is dropped (it opened a second menu); the mouse's goes through."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return isinstance(event, QContextMenuEvent) and event.reason() == QContextMenuEvent.Reason.Keyboard


class RowKeys(QObject):
    reveal = Signal(QModelIndex)  # Space on a Key or Secret cell
    menu = Signal(QModelIndex)  # Enter or Space on the "…" cell

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.view:
            return False
        if isinstance(event, QContextMenuEvent) and event.reason() == QContextMenuEvent.Reason.Keyboard:
            return True
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
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
