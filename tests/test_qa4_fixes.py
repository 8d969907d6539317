"""QA4's findings in the filter box, leaked-key triage and messages, driven as a person would: keys to the
focused widget, dialogs answered with Enter, Escape and Tab, against the real sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QGroupBox

from tbdesk.gui.dialogs import RotateDialog
from tbdesk.gui.shortcuts import ShortcutsDialog

from helpers.gui import row_of, until
from helpers.sandbox import asgi_sandbox

CTRL = Qt.KeyboardModifier.ControlModifier


def focused():
    return QApplication.focusWidget()


def press(gui, qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press to whatever has the focus (once something has it: a closed dialog hands it back later)."""
    widget = gui.run(until(focused, timeout=5, what="a focused widget"))
    qtbot.keyClick(widget, key, modifier)


def signed_in(gui, sb=None):
    desk = gui.start(gui.desk(sb or asgi_sandbox()))
    desk.window.activateWindow()
    gui.run(until(lambda: focused() is not None, what="a focused widget"))
    return desk


def open_dialog(gui, desk, kind):
    return gui.run(until(lambda: d if isinstance(d := desk.dialog, kind) and d.isVisible() else None, what=kind))


def shortcuts_dialog() -> ShortcutsDialog | None:
    return next((d for d in QApplication.topLevelWidgets() if isinstance(d, ShortcutsDialog) and d.isVisible()), None)


# -- 5. F1 describes Enter in the filter box as it behaves ----------------------------------------


def test_f1_says_enter_in_the_filter_box_goes_to_the_selected_match(gui, qtbot):
    desk = signed_in(gui)
    w = desk.window
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(focused(), "e")
    assert desk.accounts_proxy.rowCount() > 2
    press(gui, qtbot, Qt.Key.Key_Down)  # into the matches, on the first
    press(gui, qtbot, Qt.Key.Key_Down)  # the second one
    second = desk.selected()
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_Return)
    assert focused() is w.accounts_view and desk.selected() == second  # the selected match, not the first
    press(gui, qtbot, Qt.Key.Key_F1)
    dialog = gui.run(until(shortcuts_dialog, what="the shortcuts list"))
    table = dialog.table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    enter = [does for keys, does, where in rows if where == "Filter box" and keys in ("Return", "Enter")]
    assert len(enter) == 1, rows
    assert "selected match" in enter[0] and "first" in enter[0] and "none is selected" in enter[0]
    press(gui, qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: shortcuts_dialog() is None, what="shortcuts closed"))


# -- 1. nothing typed or sent widens the window ----------------------------------------------------


def fits_screen(window) -> bool:
    return window.frameGeometry().width() <= window.screen().availableGeometry().width()


def test_a_long_pasted_string_leaves_the_window_as_wide_as_it_was(gui, qtbot):
    desk = signed_in(gui)
    w = desk.window
    width = w.width()
    assert fits_screen(w)
    QGuiApplication.clipboard().setText("z" * 3000)
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_V, CTRL)
    assert w.filter_edit.text() == "z" * 3000
    gui.run(until(lambda: w.empty_label.isVisible(), what="the no-match notice"))
    notice = w.empty_label.text()
    assert notice.startswith("No service account matches “zzz") and "…”" in notice and len(notice) < 200
    QApplication.processEvents()  # a layout request is handled on the next turn of the loop
    assert w.width() == width and fits_screen(w)
    assert w.empty_label.width() <= w.accounts_stack.width()


def test_a_pasted_key_of_an_account_with_a_long_name_leaves_the_window_as_wide_as_it_was(gui, qtbot):
    sb = asgi_sandbox()
    ci = next(r for r in sb.store.service_accounts(0, 100)[0] if r["identifier"] == "ci-runner")
    long_name = "x" * 100  # no space to wrap at; the server may send longer
    sb.store.rename_service_account(ci["id"], long_name)
    desk = signed_in(gui, sb)
    w = desk.window
    width = w.width()
    QGuiApplication.clipboard().setText(ci["key"])
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_V, CTRL)
    gui.run(until(lambda: w.triage_bar.isVisible(), what="the triage bar"))
    assert "xxx…" in w.triage_rotate.text() and long_name not in w.triage_rotate.text()
    label = w.triage_label
    assert long_name not in label.text() and "“xxx" in label.text()
    QApplication.processEvents()
    name = label.text()[label.text().index("“") : label.text().index("”") + 1]
    assert label.fontMetrics().horizontalAdvance(name) <= label.width()  # the quoted name is not cut at the edge
    assert w.width() == width and fits_screen(w)
    assert w.triage_rotate.geometry().right() <= w.triage_bar.width()


# -- 2. the no-match notice names the Show choice when that is what hides the account ---------------


def test_an_account_hidden_by_the_show_choice_is_said_to_be_hidden_by_it(gui, qtbot):
    desk = signed_in(gui)
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    w = desk.window
    press(gui, qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert focused() is w.show_combo
    press(gui, qtbot, Qt.Key.Key_Down)  # "Unused (no test in 30 days)"
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 1, what="only the unused"))
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(focused(), "ci-run")  # ci-runner ran tests this week
    gui.run(until(lambda: w.empty_label.isVisible(), what="the notice"))
    notice = w.empty_label.text()
    assert "“ci-run”" in notice and "Unused (no test in 30 days)" in notice and "All accounts" in notice
    assert "Escape" not in notice  # Escape empties the filter box; the Show choice stays
    # The way it names is the way out: Alt+W, Home (All accounts) shows ci-runner.
    press(gui, qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    press(gui, qtbot, Qt.Key.Key_Home)
    gui.run(until(lambda: desk.accounts_proxy.rowCount() == 1, what="ci-runner shown"))
    assert desk.accounts_proxy.index(0, 0).data() == "ci-runner"
    # Text that matches no account at all, under any Show choice, keeps the Escape advice.
    press(gui, qtbot, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    press(gui, qtbot, Qt.Key.Key_Down)
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_End)
    qtbot.keyClicks(focused(), "zz")
    gui.run(until(lambda: "No service account matches “ci-runzz”" in w.empty_label.text(), what="no match"))
    assert "Escape in the filter box to show all of “Unused (no test in 30 days)”" in w.empty_label.text()


# -- 3. after rotating a pasted key, the banner says the key is dead and offers no second rotation --------


def test_after_rotating_a_pasted_key_the_banner_says_it_no_longer_works(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    w = desk.window
    jm = row_of(desk, "jenkins-mobile")
    leaked = sb.store.service_account(jm.id)
    QGuiApplication.clipboard().setText(leaked["key"])
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_V, CTRL)
    gui.run(until(lambda: w.triage_bar.isVisible(), what="the triage bar"))
    assert "“jenkins-mobile”" in w.triage_label.text() and w.triage_rotate.isVisible()
    press(gui, qtbot, Qt.Key.Key_Return)  # Enter in the filter box: rotate now
    dialog = open_dialog(gui, desk, RotateDialog)
    # The recent tests are counted per account ("Started by"), not per key: the dialog says so.
    usage = dialog.content.findChild(QGroupBox, "usageBox").title()
    assert "started by this account" in usage and "current key" not in usage
    while focused() is not dialog.ok:
        press(gui, qtbot, Qt.Key.Key_Tab)
    press(gui, qtbot, Qt.Key.Key_Space)
    gui.run(until(lambda: (p := desk.lifecycle.panel) is not None and p.isVisible(), what="hand-over"))
    assert sb.store.authenticate(leaked["key"], leaked["secret"]) is None
    press(gui, qtbot, Qt.Key.Key_Escape)  # the hand-over panel closes
    gui.run(until(lambda: desk.lifecycle.panel is None, what="hand-over closed"))
    gui.run(until(lambda: focused() is not None and focused().window() is w, what="back in the window"))

    def said_dead() -> bool:
        text = w.triage_label.text()
        return w.triage_bar.isVisible() and "no longer works" in text and "rotated" in text

    assert said_dead() and not w.triage_rotate.isVisible()
    assert w.filter_edit.text() == leaked["key"]
    # A poll (F5 here) reads the accounts again: still dead, still no second rotation.
    sent = desk.client.requests_sent
    press(gui, qtbot, Qt.Key.Key_F5)
    gui.run(until(lambda: desk.client.requests_sent > sent and not desk.runner.busy, what="refreshed"))
    assert said_dead() and not w.triage_rotate.isVisible()
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_Return)  # no rotation offered: Enter goes to the account, with its new key
    assert focused() is w.accounts_view and desk.selected().id == jm.id
    assert desk.dialog is None or not isinstance(desk.dialog, RotateDialog) or not desk.dialog.isVisible()
