"""QA4's findings in the filter box, leaked-key triage and messages, driven as a person would: keys to the
focused widget, dialogs answered with Enter, Escape and Tab, against the real sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QGroupBox

from tbdesk.core.triage import triage
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
    assert notice.startswith("No service account matches “zzz") and "…" in notice and len(notice) < 200
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
    # Its Activity tab (Alt+Y) and the tests it started, filtered to it, name it too.
    press(gui, qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)
    gui.run(until(lambda: w.lower_tabs.currentWidget() is w.activity_tab, what="the Activity tab"))
    gui.run(until(lambda: "xxx" in (w.activity_panel.title.text() or ""), what="the Activity title"))
    QApplication.processEvents()
    assert w.width() == width and fits_screen(w)


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


# -- 4. what is not a key is not triaged as one; a pasted secret is named, never shown -----------------


def paste(gui, qtbot, text: str) -> None:
    """Ctrl+F (which selects what the box held), then Ctrl+V: the pasted text replaces it."""
    QGuiApplication.clipboard().setText(text)
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_V, CTRL)


def shown_texts(desk) -> list[str]:
    """Every message of the window a pasted value could reach: banner, notice, status bar, title, history."""
    w = desk.window
    texts = [w.triage_label.text(), w.empty_label.text(), w.statusBar().currentMessage(), w.windowTitle()]
    return texts + [text for _level, text in desk.messages.history]


def test_a_jwt_or_a_cut_key_is_not_taken_for_a_key(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    paste(gui, qtbot, jwt)
    gui.run(until(lambda: w.empty_label.isVisible(), what="the no-match notice"))
    assert not w.triage_bar.isVisible()  # ordinary text: no "rotated or deleted already"
    assert w.filter_edit.text() == jwt  # whole, not cut to its first part
    assert "No service account matches “eyJhbG" in w.empty_label.text()
    # A key missing its last character: a note that it is not a key's shape, not "rotated or deleted".
    key = row_of(desk, "ci-runner").key
    paste(gui, qtbot, key[:-1])
    gui.run(until(lambda: w.triage_bar.isVisible(), what="the note"))
    note = w.triage_label.text()
    assert "does not look like a TestingBot key" in note and "31" in note and "rotated" not in note
    assert not w.triage_rotate.isVisible()
    assert all(key[:-1] not in text for text in shown_texts(desk))
    # The whole key again: its account, as before.
    paste(gui, qtbot, key)
    gui.run(until(lambda: "“ci-runner”" in w.triage_label.text(), what="the owner"))
    assert w.triage_rotate.isVisible()


def test_a_pasted_secret_names_its_account_offers_rotate_and_is_never_shown(gui, qtbot, leakcheck):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    jm, ci = row_of(desk, "jenkins-mobile"), row_of(desk, "ci-runner")
    secret, other = sb.store.service_account(jm.id)["secret"], sb.store.service_account(ci.id)["secret"]
    leakcheck.watch(secret, other)
    # The admin copied jenkins-mobile's secret earlier (Ctrl+C on its row): tbdesk holds it in memory.
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(focused(), "jenkins")
    press(gui, qtbot, Qt.Key.Key_C, CTRL)
    gui.run(until(lambda: QGuiApplication.clipboard().text() == secret, what="the secret copied"))
    press(gui, qtbot, Qt.Key.Key_F, CTRL)
    press(gui, qtbot, Qt.Key.Key_V, CTRL)  # ... and pastes it back to ask whose it is
    gui.run(until(lambda: "secret of the service account “jenkins-mobile”" in w.triage_label.text(), what="owner"))
    assert w.triage_rotate.isVisible() and "jenkins-mobile" in w.triage_rotate.text()
    assert desk.accounts_proxy.rowCount() == 1 and desk.selected().id == jm.id
    assert all(secret not in text for text in shown_texts(desk))
    press(gui, qtbot, Qt.Key.Key_Return)  # the same rotation as for a key
    dialog = open_dialog(gui, desk, RotateDialog)
    assert dialog.account.id == jm.id
    press(gui, qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="cancelled"))
    # A secret tbdesk never loaded cannot be matched, and is not quoted either.
    paste(gui, qtbot, other)
    gui.run(until(lambda: "tbdesk cannot tell whose" in w.triage_label.text(), what="no match"))
    gui.run(until(lambda: w.empty_label.isVisible(), what="the no-match notice"))
    assert all(other not in text for text in shown_texts(desk))
    QGuiApplication.clipboard().clear()


def test_triage_goes_by_the_shape_of_a_testingbot_key():
    key, secret = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
    keys, secrets = {key: 7}, {secret: 7}
    assert triage("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0", keys) is None
    assert triage("nightly-regression-pipeline-1111", keys) is None  # an identifier: an ordinary filter
    # 32 letters and digits, not only hex: TestingBot documents the length, not the alphabet.
    other = "Zq8Rk2Lm9Vx4Np7Tb3Wc6Yd1Hf5Gj0Se"
    assert triage(other, {other: 9}).account_id == 9
    assert triage(key[:-1], keys).near_miss == 31 and not triage(key[:-1], keys).found
    assert triage(key + "0", keys).near_miss == 33
    assert triage("0" * 5 + key * 5, keys) is None  # 165 hex digits hold no key at their end
    found = triage(f"TESTINGBOT_SECRET={secret}", keys, secrets=secrets)
    assert found.secret and found.account_id == 7 and secret not in repr(found)
    assert triage(secret, keys).account_id is None and not triage(secret, keys).secret  # not in memory


def test_a_pasted_key_whose_account_another_admin_deletes_is_said_to_no_longer_work(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    nightly = row_of(desk, "nightly-regression")
    paste(gui, qtbot, nightly.key)
    gui.run(until(lambda: w.triage_rotate.isVisible(), what="Rotate offered"))
    sb.store.delete_service_account(nightly.id)  # another admin, elsewhere
    press(gui, qtbot, Qt.Key.Key_F5)
    gui.run(until(lambda: "was deleted" in w.triage_label.text(), what="the key said dead"))
    assert "no longer works" in w.triage_label.text() and not w.triage_rotate.isVisible()
    assert "“nightly-regression” was deleted" in w.triage_label.text()  # named (QA5)
    assert nightly.key not in w.empty_label.text()


def test_a_window_wider_than_its_screen_is_not_remembered_that_wide(gui, qtbot):
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    width = w.width()
    w.resize(25_620, w.height())  # as a label that could not wrap once made it
    QApplication.processEvents()
    assert not fits_screen(w)
    press(gui, qtbot, Qt.Key.Key_Q, CTRL)
    gui.run(until(desk.closed.is_set, what="quit"))
    again = signed_in(gui, sb)
    assert again.window.width() == width and fits_screen(again.window)
