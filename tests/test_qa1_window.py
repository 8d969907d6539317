"""QA report 1 (items 4, 6, 9, 10/21, 11, 12, 15/41, 22, 24): what a tester found with real key presses.
Keys go to the focused widget, dialogs are answered with keys, clicks are real clicks."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from test_window_keys import CTRL, _loop, focused, press, signed_in, visible_dialog

from tbdesk.gui import shortcuts
from tbdesk.gui.dialogs import DeleteDialog
from tbdesk.gui.models import ROW_ROLE

from helpers.gui import row_of, until

__all__ = ["_loop"]  # the autouse fixture that lets the key helpers wait on this test's loop
ALT = Qt.KeyboardModifier.AltModifier


def open_shortcuts(gui, qtbot, w) -> shortcuts.ShortcutsDialog:
    press(qtbot, Qt.Key.Key_F1)
    gui.run(until(lambda: getattr(w, "shortcuts_dialog", None) and w.shortcuts_dialog.isVisible(), what="F1"))
    return w.shortcuts_dialog


def test_f1_lists_every_shortcut_completely_and_readably(gui, qtbot):
    desk = signed_in(gui)
    w = desk.window
    w.accounts_view.setFocus()
    dialog = open_shortcuts(gui, qtbot, w)
    table = dialog.table
    rows = [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]
    listed = {keys for keys, _does, _where in rows}
    # Every key of every action in the window (all of its shortcuts, not only the first) is listed.
    for action in w.findChildren(type(w.add_action)):
        for seq in action.shortcuts():
            keys = seq.toString(QKeySequence.SequenceFormat.NativeText)
            if keys != "Menu":  # named in the Shift+F10 row
                assert keys in listed, f"{action.text()} ({keys}) is not in Help → Keyboard shortcuts"
    # ...and the keys the QA missed: select all accounts, the two tabs.
    assert {"Ctrl+A", "Alt+Y", "Alt+T"} <= listed
    # Del does not claim to delete an account from the filter box (there it edits the text).
    for keys, does, where in rows:
        if keys == "Del" and "account" in does:
            assert "filter" not in where.lower(), (keys, does, where)
    # Readable: every cell starts with a capital (or a quote mark), and no text is cut off.
    for keys, does, where in rows:
        assert re.match(r"[A-Z“]", does) and re.match(r"[A-Z]", where), (keys, does, where)
    for r in range(table.rowCount()):
        for c in range(3):
            rect = table.visualRect(table.model().index(r, c))
            needed = table.fontMetrics().horizontalAdvance(table.item(r, c).text())
            lines = max(1, rect.height() // table.fontMetrics().lineSpacing())
            assert needed <= rect.width() * lines, (rows[r], c, needed, rect.width(), lines)
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not any(d.isVisible() for d in w.findChildren(shortcuts.ShortcutsDialog)), what="closed"))
    # The listed keys do what the list says.
    w.activateWindow()
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    assert len(w.accounts_view.selectionModel().selectedRows()) == desk.accounts_proxy.rowCount() > 1
    press(qtbot, Qt.Key.Key_Y, ALT)
    assert w.lower_tabs.currentWidget() is w.activity_tab
    press(qtbot, Qt.Key.Key_T, ALT)
    assert w.lower_tabs.currentWidget() is w.tests_tab
    # Del in the filter box edits the text and never opens the delete dialog.
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is w.filter_edit
    qtbot.keyClicks(QApplication.focusWidget(), "cix")
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Delete)
    assert w.filter_edit.text() == "ci"
    assert desk.dialog is None or not desk.dialog.isVisible()


def shown_identifiers(desk) -> list[str]:
    proxy = desk.accounts_proxy
    return [proxy.index(r, 0).data(ROW_ROLE).identifier for r in range(proxy.rowCount())]


def delete_by_keys(gui, qtbot, desk, identifier: str) -> None:
    press(qtbot, Qt.Key.Key_Delete)
    dialog = gui.run(until(lambda: visible_dialog(desk, DeleteDialog), what="the delete dialog"))
    gui.run(until(lambda: focused() is dialog.confirm, what="focus in the confirmation box"))
    qtbot.keyClicks(QApplication.focusWidget(), identifier)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: row_of(desk, identifier) is None, what=f"{identifier} removed"))


def test_after_a_delete_the_neighbouring_row_is_selected(gui, qtbot):
    """QA #12: after deleting an account the selection jumped to the first row."""
    desk = signed_in(gui)
    w = desk.window
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_Home, CTRL)
    for _ in range(2):
        press(qtbot, Qt.Key.Key_Down)
    before = shown_identifiers(desk)
    victim = desk.selected().identifier
    assert victim == before[2]
    delete_by_keys(gui, qtbot, desk, victim)
    gui.run(until(lambda: focused() is w.accounts_view, what="focus back in the table"))
    assert desk.selected().identifier == before[3]  # the next one, where the deleted row was
    # The last row: the previous one is selected.
    press(qtbot, Qt.Key.Key_PageDown)  # End alone goes to the row's last cell; Ctrl+End only moves the cursor
    after = shown_identifiers(desk)
    delete_by_keys(gui, qtbot, desk, after[-1])
    gui.run(until(lambda: focused() is w.accounts_view, what="focus back in the table"))
    assert desk.selected().identifier == after[-2]
    assert len(w.accounts_view.selectionModel().selectedRows()) == 1


def test_the_first_focus_is_the_accounts_table_on_a_visible_row(gui, qtbot):
    """QA #9: at start-up the focus sat invisibly on the Show combo; the first Down switched it to "Unused"."""
    desk = signed_in(gui)
    w = desk.window
    assert focused() is w.accounts_view
    first = shown_identifiers(desk)[0]
    assert desk.selected().identifier == first
    assert w.accounts_view.selectionModel().isRowSelected(0)  # highlighted, not only current
    press(qtbot, Qt.Key.Key_Down)
    assert w.show_combo.currentIndex() == 0  # still "All accounts"
    assert desk.selected().identifier == shown_identifiers(desk)[1]
    w.accounts_view.viewport().grab().save(str(gui.tmp / "first-focus.png"))
