"""The Add/Rename dialog checks the same identifier rules as the server (tbdesk.identifiers), as the user types."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from tbdesk.gui.dialogs import IdentifierDialog

from helpers.gui import row_of, until
from helpers.sandbox import asgi_sandbox

# Each against the seeded "ci-runner", or "café-nightly" made below; typed, or pasted when a keyboard
# cannot type it (an invisible character reaches a field by copy and paste).
LOOK_ALIKES = {
    "U+2010 hyphen": ("ci\u2010runner", "looks the same"),
    "U+2212 minus": ("ci\u2212runner", "looks the same"),
    "fullwidth": ("ｃｉ-ｒｕｎｎｅｒ", "already exists"),
    "Cyrillic es": ("\u0441i-runner", "looks the same"),
    "Cyrillic u and er": ("ci-\u0433un\u0578e\u0433", "looks the same"),
    "capitals": ("CI-RUNNER", "already exists"),
    "NFD of an NFC name": ("cafe\u0301-nightly", "already exists"),
    "zero-width space": ("ci-\u200brunner", "invisible"),
    "zero-width joiner": ("ci-run\u200dner", "invisible"),
    "right-to-left override": ("\u202eci-runner", "bidirectional"),
    "pop directional isolate": ("ci-runner\u2069", "bidirectional"),
    "BOM": ("ci-\ufeffrunner", "invisible"),  # a leading one never survives the clipboard
    "soft hyphen": ("ci-run\u00adner", "invisible"),
    "invisible only": ("\u200b\u200c\u2060\u200b", "invisible"),
}


def focused():
    return QApplication.focusWidget()


def clear_and_enter(qtbot, text: str) -> None:
    """Select all and type over it; text that no keyboard makes is pasted whole with Ctrl+V."""
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(focused(), Qt.Key.Key_Delete)
    if text.isascii() and text.isprintable():
        qtbot.keyClicks(focused(), text)
    else:
        QGuiApplication.clipboard().setText(text)
        qtbot.keySequence(focused(), QKeySequence.StandardKey.Paste)


def open_add(gui, desk) -> IdentifierDialog:
    desk.window.add_action.trigger()
    dialog = gui.run(
        until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog.isVisible() and desk.dialog)
    )
    gui.run(until(lambda: focused() is dialog.edit, what="the identifier field focused"))
    return dialog


@pytest.mark.parametrize(("text", "expected"), LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_add_dialog_refuses_look_alikes_and_invisible_characters(gui, qtbot, text, expected):
    sb = asgi_sandbox()
    sb.store.create_service_account("café-nightly")
    desk = gui.start(gui.desk(sb))
    dialog = open_add(gui, desk)
    clear_and_enter(qtbot, text)
    assert dialog.edit.text() == text  # what the user entered reached the field whole
    assert not dialog.ok.isEnabled(), dialog.hint.text()
    assert expected in dialog.hint.text()
    # Enter does nothing while the identifier is refused: no request, the dialog stays.
    sent = desk.client.requests_sent
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert dialog.isVisible() and desk.client.requests_sent == sent
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="dialog closed by Escape"))


def test_dialog_and_sandbox_agree_and_store_the_normalised_name(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    dialog = open_add(gui, desk)
    clear_and_enter(qtbot, "ｎｉｇｈｔｌｙ-ｅ２ｅ")  # fullwidth: valid, but stored as ASCII
    assert dialog.ok.isEnabled() and "Will be saved as “nightly-e2e”" in dialog.hint.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    gui.run(until(lambda: not dialog.isVisible(), what="dialog accepted"))
    made = gui.run(until(lambda: row_of(desk, "nightly-e2e"), what="the new row"))
    assert sb.store.service_account(made.id)["identifier"] == "nightly-e2e"


def test_rename_to_a_case_variant_of_its_own_name_is_allowed(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    desk.window.edit_action.trigger()
    dialog = gui.run(
        until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog.isVisible() and desk.dialog)
    )
    gui.run(until(lambda: focused() is dialog.edit, what="the identifier field focused"))
    assert "current identifier" in dialog.hint.text() and not dialog.ok.isEnabled()
    clear_and_enter(qtbot, "CI-Runner")
    assert dialog.ok.isEnabled(), dialog.hint.text()
    clear_and_enter(qtbot, "ci-docs")  # a look-alike of another account is still refused
    assert dialog.ok.isEnabled()
    other = next(a.identifier for a in desk.accounts.accounts() if a.id != ci.id)
    clear_and_enter(qtbot, other.upper())
    assert not dialog.ok.isEnabled() and f"“{other}”" in dialog.hint.text()
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)


def test_rename_leaves_out_bidi_controls_a_stored_name_holds_and_says_so(gui, qtbot):
    # Stored by another client before the rules: "ci-runner" with a right-to-left override in it would read
    # "ci-rennur" in the field. The field shows it without, the hint names what was left out, Enter saves it.
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    with sb.store.transaction() as db:
        db.execute("UPDATE service_accounts SET identifier = ? WHERE id = ?", ("ci-\u202erunner", ci.id))
    desk.refresh()
    gui.run(until(lambda: row_of(desk, "ci-\u202erunner"), what="the stored name shown"))
    desk.select_account(ci.id)
    desk.window.edit_action.trigger()
    dialog = gui.run(
        until(lambda: isinstance(desk.dialog, IdentifierDialog) and desk.dialog.isVisible() and desk.dialog)
    )
    gui.run(until(lambda: focused() is dialog.edit, what="the identifier field focused"))
    assert dialog.edit.text() == "ci-runner"
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in dialog.hint.text() and "left out" in dialog.hint.text()
    assert dialog.ok.isEnabled()
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    gui.run(until(lambda: not dialog.isVisible(), what="dialog accepted"))
    gui.run(until(lambda: sb.store.service_account(ci.id)["identifier"] == "ci-runner", what="renamed"))
