"""Preferences typed out of range (QA report 1, item 20): the range is shown, and a value below it is moved to
the nearest bound with a note, not silently back to the old value."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from shiboken6 import isValid

from tbdesk.core.preferences import REVEAL
from tbdesk.gui.preferences_dialog import PreferencesDialog

from helpers.gui import until
from helpers.sandbox import asgi_sandbox


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def open_preferences(gui, qtbot, desk) -> PreferencesDialog:
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    press(qtbot, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: (d := desk.preferences.dialog) is not None and d.isVisible() and d))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    while QApplication.focusWidget() is not dialog.reveal:
        press(qtbot, Qt.Key.Key_Tab)
    return dialog


def test_a_value_below_the_range_goes_to_the_bound_with_a_note(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    dialog = open_preferences(gui, qtbot, desk)
    shown = {label.text() for label in dialog.findChildren(QLabel) if label.isVisible()}
    assert f"{REVEAL.low} to {REVEAL.high} s" in shown  # the range is on screen, not only in a tooltip
    assert not dialog.note.isVisible()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), str(REVEAL.low - 2))
    press(qtbot, Qt.Key.Key_Tab)
    assert dialog.reveal.value() == REVEAL.low  # the nearest bound, not the old 30
    assert dialog.note.isVisible() and f"set to {REVEAL.low} s" in dialog.note.text()

    # Enter straight after typing: the dialog stays to show the note; the next Enter saves the bound.
    while QApplication.focusWidget() is not dialog.reveal:
        press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), "1")
    dialog.note.setVisible(False)
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.note.isVisible() and dialog.reveal.value() == REVEAL.low
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: not isValid(dialog) or not dialog.isVisible(), what="saved"))
    assert desk.credentials.reveal_timer.interval() == REVEAL.low * 1000
