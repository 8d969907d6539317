"""Confirmations answered with the keyboard as QA drove them (QA report 1): Enter presses the focused button,
a bulk rotation offers Retry and Hand over only once something was tried, its hand-over opens on top, and
rotating many accounts takes typing their number."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tbdesk.gui.bulk_rotate import BulkRotateDialog
from tbdesk.gui.dialogs import DeleteDialog, RotateDialog
from tbdesk.gui.handover import HandoverPanel

from helpers.gui import click, row_of, until
from helpers.sandbox import asgi_sandbox

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def focus_chain(qtbot, limit: int = 12) -> list:
    """Every widget Tab reaches from where the focus is, once round."""
    seen = []
    for _ in range(limit):
        seen.append(QApplication.focusWidget())
        press(qtbot, Qt.Key.Key_Tab)
    return seen


def shown(desk, kind):
    d = desk.dialog
    return d if isinstance(d, kind) and d.isVisible() else None


def started(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    desk.window.accounts_view.setFocus()
    return sb, desk


def test_enter_on_the_focused_rotate_button_rotates_and_cancel_stays_default_elsewhere(gui, qtbot):
    sb, desk = started(gui, qtbot)
    ci = row_of(desk, "ci-runner")
    old_key = ci.key
    desk.select_account(ci.id)
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown(desk, RotateDialog), what="rotate dialog"))
    assert QApplication.focusWidget() is dialog.cancel and dialog.cancel.isDefault()
    press(qtbot, Qt.Key.Key_Backtab, SHIFT)
    assert QApplication.focusWidget() is dialog.ok
    press(qtbot, Qt.Key.Key_Tab)  # away again: Cancel is the default once more
    assert dialog.cancel.isDefault() and not dialog.ok.isDefault()
    press(qtbot, Qt.Key.Key_Backtab, SHIFT)
    press(qtbot, Qt.Key.Key_Return)  # Enter on "Rotate access key" rotates; it does not cancel
    gui.run(until(lambda: sb.store.service_account(ci.id)["key"] != old_key, what="rotated"))


def test_enter_on_a_focused_cancel_in_delete_cancels_even_once_typed(gui, qtbot):
    sb, desk = started(gui, qtbot)
    victim = row_of(desk, "visual-diff")
    desk.select_account(victim.id)
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_Delete)
    dialog = gui.run(until(lambda: shown(desk, DeleteDialog), what="delete dialog"))
    qtbot.keyClicks(QApplication.focusWidget(), "visual-diff")
    assert dialog.ok.isDefault()
    while QApplication.focusWidget() is not dialog.cancel:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return)  # the focused button is the one Enter presses
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))
    assert sb.store.service_account(victim.id) is not None


def test_retry_and_hand_over_are_offered_only_after_a_rotation_and_the_dialog_stays(gui, qtbot):
    _sb, desk = started(gui, qtbot)
    desk.window.rotate_due_action.trigger()  # three keys past the policy
    dialog = gui.run(until(lambda: shown(desk, BulkRotateDialog), what="bulk dialog"))
    chain = focus_chain(qtbot)
    assert not dialog.retry.isVisible() and not dialog.handover.isVisible()
    assert dialog.retry not in chain and dialog.handover not in chain and dialog.ok in chain
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # Retry's mnemonic does nothing yet
    assert dialog.isVisible() and dialog.state.value == "confirm"
    while QApplication.focusWidget() is not dialog.ok:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done", what="rotated"))
    QApplication.processEvents()  # a close posted by a stray Retry would land here
    assert dialog.isVisible() and QApplication.focusWidget() is dialog.handover
    assert dialog.handover.text() == "&Hand over 3 new pairs…" and not dialog.retry.isVisible()
    assert "result is in the dialog" in desk.window.statusBar().currentMessage()


def test_hand_over_after_a_bulk_rotation_opens_on_top_with_the_focus(gui, qtbot):
    _sb, desk = started(gui, qtbot)
    desk.window.rotate_due_action.trigger()
    dialog = gui.run(until(lambda: shown(desk, BulkRotateDialog), what="bulk dialog"))
    click(qtbot, dialog.ok)
    gui.run(until(lambda: dialog.state.value == "done", what="rotated"))
    press(qtbot, Qt.Key.Key_Return)  # Enter on the focused "Hand over 3 new pairs…"
    panel = gui.run(until(lambda: (p := desk.lifecycle.panel) is not None and p.isVisible() and p, what="panel"))
    assert isinstance(panel, HandoverPanel) and panel.account_combo.count() == 3
    assert not dialog.isVisible() and QApplication.activeModalWidget() is None  # nothing blocks the panel
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    assert panel.isAncestorOf(QApplication.focusWidget())
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not panel.isVisible())


def test_rotating_more_than_five_accounts_takes_typing_their_number(gui, qtbot):
    sb, desk = started(gui, qtbot)
    before = {a.id: a.key for a in desk.accounts.accounts()}
    press(qtbot, Qt.Key.Key_A, CTRL)
    press(qtbot, Qt.Key.Key_R, CTRL)
    dialog = gui.run(until(lambda: shown(desk, BulkRotateDialog), what="bulk dialog"))
    n = dialog.table.rowCount()
    assert n == 6 and dialog.cancel.isDefault() and not dialog.ok.isEnabled()
    assert QApplication.focusWidget() is dialog.count_edit
    click(qtbot, dialog.ok)  # one click is not enough
    qtbot.keyClicks(QApplication.focusWidget(), "5")
    press(qtbot, Qt.Key.Key_Return)  # a wrong number: Enter says what is missing, cancels nothing
    assert dialog.isVisible() and not dialog.ok.isEnabled() and "Type 6" in dialog.count_hint.text()
    press(qtbot, Qt.Key.Key_Backspace)
    qtbot.keyClicks(QApplication.focusWidget(), "6")
    assert dialog.ok.isEnabled() and dialog.cancel.isDefault()  # Cancel stays the default
    assert all(sb.store.service_account(i)["key"] == k for i, k in before.items())
    press(qtbot, Qt.Key.Key_Return)  # QA2 #10/66: one Enter with the right number rotates (it took two)
    assert dialog.state.value != "confirm"
    gui.run(until(lambda: dialog.state.value == "done", what="rotated"))
    assert all(sb.store.service_account(i)["key"] != k for i, k in before.items())
