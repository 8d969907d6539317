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
from PySide6.QtWidgets import QDialog, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from .window_hints import dialog_frame


class Scope(Enum):
    WINDOW = "Anywhere in the window"
    ACCOUNTS = "Service accounts table and filter box"
    ACCOUNTS_TABLE = "Service accounts table"  # Del in the filter box edits the text, as in KeePassXC
    KEY = "where noted"


@dataclass(frozen=True)
class Shortcut:
    name: str  # the MainWindow attribute of the action ("" for KEY rows)
    keys: str | QKeySequence.StandardKey
    scope: Scope
    does: str  # a sentence-case phrase, short enough to read at a glance
    where: str = ""  # KEY rows: the widget that handles the key


TABLE: tuple[Shortcut, ...] = (
    Shortcut("add_action", "Ctrl+N", Scope.WINDOW, "Add a service account"),
    Shortcut("edit_action", "F2", Scope.ACCOUNTS, "Rename the selected account"),
    Shortcut("rotate_action", "Ctrl+R", Scope.ACCOUNTS, "Rotate the key of the selected accounts"),
    Shortcut("delete_action", QKeySequence.StandardKey.Delete, Scope.ACCOUNTS_TABLE, "Delete the selected account"),
    Shortcut("copy_key_action", "Ctrl+B", Scope.ACCOUNTS, "Copy the selected account's key"),
    Shortcut(
        "copy_secret_action",
        "Ctrl+C",
        Scope.ACCOUNTS,
        "Copy the selected account's secret (in the filter box: only when no text is selected)",
    ),
    Shortcut("reveal_key_action", "Ctrl+Shift+B", Scope.ACCOUNTS, "Show or hide the key"),
    Shortcut("reveal_secret_action", "Ctrl+Shift+C", Scope.ACCOUNTS, "Show or hide the secret"),
    Shortcut("find_action", QKeySequence.StandardKey.Find, Scope.WINDOW, "Filter service accounts"),
    Shortcut("refresh_action", "F5", Scope.WINDOW, "Reload service accounts and tests"),
    Shortcut("shortcuts_action", "F1", Scope.WINDOW, "This list of keyboard shortcuts"),
    Shortcut("preferences_action", "Ctrl+,", Scope.WINDOW, "Preferences"),
    Shortcut("quit_action", "Ctrl+Q", Scope.WINDOW, "Quit tbdesk"),
    Shortcut("", "Alt+W", Scope.KEY, "Which accounts to show (all, unused…)", "Anywhere in the window"),
    Shortcut("", "Alt+T", Scope.KEY, "The Recent tests tab", "Anywhere in the window"),
    Shortcut("", "Alt+Y", Scope.KEY, "The Activity tab of the selected account", "Anywhere in the window"),
    Shortcut("", "Alt+B", Scope.KEY, "Filter tests by who started them", "Recent tests tab"),
    Shortcut("", "Alt+R", Scope.KEY, "Filter tests by result", "Recent tests tab"),
    Shortcut("", "Alt+U", Scope.KEY, "Filter tests by build", "Recent tests tab"),
    Shortcut("", "Down", Scope.KEY, "Move into the matching accounts", "Filter box"),
    Shortcut(
        "",
        "Enter",
        Scope.KEY,
        "Go to the selected match in the table (the first when none is selected); on a pasted key: rotate it",
        "Filter box",
    ),
    Shortcut("", "Escape", Scope.KEY, "Clear the filter", "Filter box"),
    Shortcut("", "Delete", Scope.KEY, "Delete the character after the cursor", "Filter box"),
    Shortcut("", "Ctrl+A", Scope.KEY, "Select every account shown (to rotate them together)", "Service accounts table"),
    Shortcut("", "Shift+F10", Scope.KEY, "The selected account's actions (the Menu key too)", "Service accounts table"),
    Shortcut("", "Space", Scope.KEY, "On a key or secret: show or hide it", "Service accounts table"),
    Shortcut("", "Enter", Scope.KEY, "On “…”: the account's actions", "Service accounts table"),
    Shortcut("", "Enter", Scope.KEY, "Details of the selected test", "Tests table"),
    Shortcut("", "Shift+F10", Scope.KEY, "The selected test's actions (the Menu key too)", "Tests table"),
    Shortcut("", "Ctrl+C", Scope.KEY, "Copy the cell's text (never an account's secret)", "Tests table"),
    Shortcut("", "Tab", Scope.KEY, "The next region (arrows move within a table)", "Anywhere in the window"),
    Shortcut("", "Enter", Scope.KEY, "Delete, once the identifier is typed", "Delete dialog"),
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
        from PySide6.QtWidgets import QDialogButtonBox  # ~1 ms the first paint need not wait for

        super().__init__(parent)  # type: ignore[arg-type]
        dialog_frame(self)
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
            where = s.where or s.scope.value
            for col, text in enumerate((key_text(s), s.does, where)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # Long descriptions wrap onto a second line rather than end in "…" (QA: "…when no filt…").
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)
