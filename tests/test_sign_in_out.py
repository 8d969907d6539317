"""Signing in and out as QA did it (report 1): a key:secret pair pasted into the Key field (item 16), the
sign-out question about a copy that its timer clears meanwhile (item 17)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from tbdesk.gui.dialogs import SignInDialog

from helpers.gui import row_of, until
from helpers.sandbox import asgi_sandbox


def test_a_pasted_key_secret_pair_is_split_and_the_secret_stays_masked(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.desk(sb, key=False)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog))
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.key)
    QGuiApplication.clipboard().setText(f"{sb.key}:{sb.secret}")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.key.text() == sb.key and sb.secret not in dialog.key.text()
    assert dialog.secret.text() == sb.secret and dialog.secret.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.pair_note.isVisible() and "Secret field" in dialog.pair_note.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sb.secret not in dialog.key.text()  # undo does not bring the secret back into view
    assert dialog.ok.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    QGuiApplication.clipboard().clear()


def test_the_sign_out_question_goes_away_when_the_timer_clears_the_copy(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    desk.clipboard.timeout_s = 3  # long enough to reach the question on a busy machine; the floor is 5 s
    gui.run(desk.runner.idle())  # loading done: a menu's letter opens nothing while a task runs (see below)
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.accounts_view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # copy the key
    assert QGuiApplication.clipboard().text() == ci.key
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    menu = gui.run(until(QApplication.activePopupWidget, what="File menu"))
    qtbot.keyClick(menu, Qt.Key.Key_O)  # Sign out
    box = gui.run(until(lambda: desk.profiles.question, what="the question"))
    assert "still on the clipboard" in box.text()
    # The admin reads; meanwhile the timer clears the copy: the question must not outlive what it asks about.
    gui.run(until(lambda: QGuiApplication.clipboard().text() == "", what="cleared by the timer"))
    gui.run(until(lambda: desk.profiles.question is None, what="question gone"))
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    gui.run(until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible(), what="signed out"))
