"""No two mnemonics (Alt+letter) in one window: the main window and every dialog (QA report 1, item 19)."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)

from tbdesk.core.rotation import Outcome, Result
from tbdesk.gui.bulk_rotate import BulkRotateDialog, BulkRow
from tbdesk.gui.dialogs import (
    DeleteDialog,
    ErrorReportDialog,
    IdentifierDialog,
    RotateDialog,
    SignInDialog,
    TestDetailsDialog,
)
from tbdesk.gui.handover import HandoverPanel, Pair
from tbdesk.gui.models import ROW_ROLE
from tbdesk.gui.preferences_dialog import PreferencesDialog
from tbdesk.gui.shortcuts import ShortcutsDialog

from helpers.gui import until
from helpers.sandbox import asgi_sandbox


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Every Alt+key the user can press in `window` as shown, with what each one belongs to."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, owner: str) -> None:
        key = QKeySequence.mnemonic(text)
        if not key.isEmpty():
            found[key.toString()].append(owner)

    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if action.isVisible():
                add(action.text(), f"menu {action.text()}")
    for w in window.findChildren(QWidget):
        if w.window() is not window or not w.isVisibleTo(window):
            continue
        if isinstance(w, QLabel) and w.buddy() is not None:
            add(w.text(), f"label {w.text()}")
        elif isinstance(w, QAbstractButton) and not w.shortcut().isEmpty():
            if QKeySequence.mnemonic(w.text()) == w.shortcut():
                found[w.shortcut().toString()].append(f"button {w.text()}")
        elif isinstance(w, QGroupBox):
            add(w.title(), f"group {w.title()}")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    add(w.tabText(i), f"tab {w.tabText(i)}")
    return found


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {key: owners for key, owners in mnemonics(window).items() if len(owners) > 1}


def test_no_window_or_dialog_has_two_mnemonics_on_one_key(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.accounts.usage_loaded and desk.tests_proxy.rowCount() > 0, what="loaded"))
    w = desk.window
    w.accounts_view.setFocus()
    account = desk.accounts.accounts()[0]
    assert mnemonics(w), "the walk found no mnemonic at all"
    assert not clashes(w), clashes(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is w.show_combo  # Alt+W: Show; Alt+H stays the Help menu's
    for index in range(w.show_combo.count()):  # each Show choice may show other widgets
        w.show_combo.setCurrentIndex(index)
        assert not clashes(w), (w.show_combo.currentText(), clashes(w))

    test = desk.tests_proxy.index(0, 0).data(ROW_ROLE)
    rows = [BulkRow(a, "today", "…", None) for a in desk.accounts.accounts()]
    bulk_done = BulkRotateDialog(w, rows)
    dialogs: list[QWidget] = [
        IdentifierDialog(w, []),
        IdentifierDialog(w, [], account),
        RotateDialog(w, account, None),
        DeleteDialog(w, account, None),
        SignInDialog(w, sb.url, None),
        TestDetailsDialog(w, test, True),
        ErrorReportDialog(w, "Something failed.", "Traceback …"),
        HandoverPanel(w, [Pair("a", "k", "s"), Pair("b", "k2", "s2")], sb.url, desk.clipboard, rotated=True),
        PreferencesDialog(w, desk.preferences.current),
        ShortcutsDialog(w),
        BulkRotateDialog(w, rows),
        bulk_done,
    ]
    bulk_done.start()
    for i, row in enumerate(rows):
        bulk_done.show_result(i, Result(row.account, Outcome.ROTATED if i else Outcome.FAILED))
    bulk_done.finish()
    walked = 0
    for dialog in dialogs:
        dialog.show()
        QApplication.processEvents()
        walked += len(mnemonics(dialog))
        assert not clashes(dialog), (dialog.windowTitle(), clashes(dialog))
        dialog.close()
        dialog.deleteLater()
    assert walked > 10  # the walk sees the dialogs' mnemonics (Sign in alone has four)
