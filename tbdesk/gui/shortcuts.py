"""Every keyboard shortcut in one table: the window's actions take their keys and scope from it, and
Help → Keyboard shortcuts lists it, so the two can never disagree.

Scope is behaviour: ACCOUNTS shortcuts act on the selected service account and work while the focus is in
the accounts pane (the table or the filter box), so Ctrl+C in the tests table or a dialog never copies a
secret. WINDOW shortcuts work anywhere in the main window. KEY rows are keys a widget handles itself
(listed for the user, not bound to an action).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout


class Scope(Enum):
    WINDOW = "anywhere in the window"
    ACCOUNTS = "service accounts table and filter box"
    KEY = "where noted"


@dataclass(frozen=True)
class Shortcut:
    name: str  # the MainWindow attribute of the action ("" for KEY rows)
    keys: str | QKeySequence.StandardKey
    scope: Scope
    does: str


TABLE: tuple[Shortcut, ...] = (
    Shortcut("add_action", "Ctrl+N", Scope.WINDOW, "Add a service account"),
    Shortcut("edit_action", "F2", Scope.ACCOUNTS, "Rename the selected service account"),
    Shortcut("rotate_action", "Ctrl+R", Scope.ACCOUNTS, "Rotate the access key of the selected account(s)"),
    Shortcut("delete_action", QKeySequence.StandardKey.Delete, Scope.ACCOUNTS, "Delete the selected account"),
    Shortcut("copy_key_action", "Ctrl+B", Scope.ACCOUNTS, "Copy the selected account's key"),
    Shortcut(
        "copy_secret_action",
        "Ctrl+C",
        Scope.ACCOUNTS,
        "Copy the selected account's secret (in the filter box: when no filter text is selected)",
    ),
    Shortcut("reveal_key_action", "Ctrl+Shift+B", Scope.ACCOUNTS, "Show or hide the key"),
    Shortcut("reveal_secret_action", "Ctrl+Shift+C", Scope.ACCOUNTS, "Show or hide the secret"),
    Shortcut("find_action", QKeySequence.StandardKey.Find, Scope.WINDOW, "Filter service accounts"),
    Shortcut("refresh_action", "F5", Scope.WINDOW, "Reload service accounts and tests"),
    Shortcut("shortcuts_action", "F1", Scope.WINDOW, "This list of keyboard shortcuts"),
    Shortcut("preferences_action", "Ctrl+,", Scope.WINDOW, "Preferences"),
    Shortcut("quit_action", "Ctrl+Q", Scope.WINDOW, "Quit tbdesk"),
    Shortcut("", "Down", Scope.KEY, "In the filter box: into the matching accounts"),
    Shortcut("", "Enter", Scope.KEY, "In the filter box: select the first match and go to the table"),
    Shortcut("", "Escape", Scope.KEY, "In the filter box: clear the filter"),
    Shortcut("", "Enter", Scope.KEY, "In the tests table: details of the selected test"),
    Shortcut("", "Shift+F10", Scope.KEY, "In the accounts table: the account's actions (the Menu key too)"),
    Shortcut("", "Space", Scope.KEY, "In the accounts table: on a key or secret, show or hide it"),
    Shortcut("", "Enter", Scope.KEY, "In the accounts table: on “…”, the account's actions"),
    Shortcut("", "Tab", Scope.KEY, "In the window: the next region (arrows move within a table)"),
    Shortcut("", "Enter", Scope.KEY, "In the delete dialog: delete, once the identifier is typed"),
)


def sequence(shortcut: Shortcut) -> QKeySequence:
    return QKeySequence(shortcut.keys)


def by_name(name: str) -> Shortcut | None:
    return next((s for s in TABLE if name and s.name == name), None)


def key_text(shortcut: Shortcut) -> str:
    return sequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText) or str(shortcut.keys)


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: the TABLE, as a read-only list."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(TABLE), 3, self)
        self.table.setHorizontalHeaderLabels(["Keys", "Does", "Works in"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list for the Close button
        for row, s in enumerate(TABLE):
            where = s.scope.value if s.scope is not Scope.KEY else s.does.split(":")[0]
            does = s.does.split(": ", 1)[1] if s.scope is Scope.KEY else s.does
            for col, text in enumerate((key_text(s), does, where)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)
