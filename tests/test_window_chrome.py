"""Dialog frames and the accounts header (QA report 1, item 39): dialogs offer only Close (no minimise or
maximise), the Add dialog has no empty gap, and picking a Show choice moves neither the combo nor the filter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

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

W = Qt.WindowType


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_every_dialog_has_a_close_button_and_no_minimise_or_maximise(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.tests_proxy.rowCount() > 0, what="tests"))
    w = desk.window
    account = desk.accounts.accounts()[0]
    test = desk.tests_proxy.index(0, 0).data(ROW_ROLE)
    dialogs: list[QWidget] = [
        IdentifierDialog(w, []),
        RotateDialog(w, account, None),
        DeleteDialog(w, account, None),
        SignInDialog(w, sb.url, None),
        TestDetailsDialog(w, test, True),
        ErrorReportDialog(w, "Something failed.", "Traceback …"),
        HandoverPanel(w, [Pair("a", "k", "s")], sb.url, desk.clipboard, rotated=True),
        PreferencesDialog(w, desk.preferences.current),
        ShortcutsDialog(w),
        BulkRotateDialog(w, [BulkRow(account, "today", "…", None)]),
    ]
    for dialog in dialogs:
        flags = dialog.windowFlags()
        name = type(dialog).__name__
        assert flags & W.WindowCloseButtonHint and flags & W.WindowTitleHint, name
        assert not flags & (W.WindowMinimizeButtonHint | W.WindowMaximizeButtonHint), name
        assert flags & W.CustomizeWindowHint, name  # else the window manager adds buttons of its own
        dialog.deleteLater()


def test_the_add_dialog_is_as_tall_as_its_content(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    w = desk.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: isinstance(d := desk.dialog, IdentifierDialog) and d.isVisible() and d))
    # Below the field: the hint's one line and the buttons, no more (it was a gap of several lines).
    gap = (
        dialog.buttons.mapTo(dialog, dialog.buttons.rect().topLeft()).y()
        - dialog.edit.mapTo(dialog, dialog.edit.rect().bottomLeft()).y()
    )
    assert gap <= dialog.hint.fontMetrics().height() + 3 * dialog.content.layout().spacing(), gap
    press(qtbot, Qt.Key.Key_Escape)


def test_choosing_what_to_show_moves_neither_the_combo_nor_the_filter(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    w = desk.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.resize(1180, 760)  # the default size on a real screen (the offscreen one is 800 px wide)
    QApplication.processEvents()
    w.accounts_view.setFocus()
    before = (w.show_combo.geometry(), w.filter_edit.geometry())
    press(qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is w.show_combo
    for _ in range(w.show_combo.count() - 1):
        press(qtbot, Qt.Key.Key_Down)  # each choice in turn, as the arrow keys pick them
        QApplication.processEvents()
        assert (w.show_combo.geometry(), w.filter_edit.geometry()) == before, w.show_combo.currentText()
    assert w.show_combo.currentIndex() == w.show_combo.count() - 1
