"""Pasting a key:secret pair into the sign-in dialog's Key field (QA report 1, item 16)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit

from tbdesk.gui.dialogs import SignInDialog

from helpers.gui import until
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
