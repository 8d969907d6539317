"""QA report 1 (items 4, 6, 9, 10/21, 11, 12, 15/41, 22, 24): what a tester found with real key presses.
Keys go to the focused widget, dialogs are answered with keys, clicks are real clicks."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel
from test_window_keys import CTRL, _loop, focused, press, signed_in, visible_dialog

from tbdesk.credentials import CredentialStore
from tbdesk.gui import shortcuts
from tbdesk.gui.dialogs import DeleteDialog, SignInDialog
from tbdesk.gui.models import ROW_ROLE
from tbdesk.gui.started_by import FIXED

from helpers.gui import click, row_of, until
from helpers.keyring import MemoryKeyring
from helpers.sandbox import asgi_sandbox, role_pair

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
    # No row twice (QA2 #18: "Shift+F10 – The selected test's actions" was listed twice).
    assert len(set(rows)) == len(rows), [row for row in rows if rows.count(row) > 1]
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
    # The Show label's key is its own (Alt+H was the Help menu's, so it never reached the combo).
    press(qtbot, Qt.Key.Key_W, ALT)
    assert focused() is w.show_combo and QApplication.activePopupWidget() is None
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


# -- signing in: the chosen server and named profiles ---------------------------------------------


def sign_in_dialog(gui, desk) -> SignInDialog:
    dialog = gui.run(until(lambda: isinstance(desk.dialog, SignInDialog) and desk.dialog.isVisible() and desk.dialog))
    dialog.activateWindow()
    gui.run(until(lambda: focused() is dialog.key, what="focus in the Key field"))
    return dialog


def file_menu_item(gui, qtbot, desk, letter: Qt.Key) -> None:
    desk.window.activateWindow()
    gui.run(until(lambda: QApplication.activeWindow() is desk.window, what="the window active"))
    press(qtbot, Qt.Key.Key_F, ALT)
    menu = gui.run(until(QApplication.activePopupWidget, what="File menu"))
    qtbot.keyClick(menu, letter)


def fill_and_submit(qtbot, key: str, secret: str, profile: str | None = None) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), key)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), secret)
    if profile is not None:
        press(qtbot, Qt.Key.Key_Tab)
        press(qtbot, Qt.Key.Key_A, CTRL)
        qtbot.keyClicks(QApplication.focusWidget(), profile)
    press(qtbot, Qt.Key.Key_Return)


def test_file_sign_in_keeps_the_api_url_given_on_the_command_line(gui, qtbot):
    """QA #4: Escape the first sign-in dialog, then File → Sign in…: the URL had become api.testingbot.com."""
    sb = asgi_sandbox()
    desk = gui.desk(sb, key=False)  # --api-url <sandbox>, nothing stored
    task = gui.loop.create_task(desk.start())
    first = sign_in_dialog(gui, desk)
    assert first.api_url.text() == sb.url
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(task)
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)  # Sign in…
    dialog = sign_in_dialog(gui, desk)
    assert dialog is not first and dialog.api_url.text() == sb.url
    fill_and_submit(qtbot, sb.key, sb.secret)
    gui.run(until(desk.loaded.is_set, what="signed in at the sandbox"))
    assert desk.session.profile.api_url == sb.url


def test_file_sign_in_says_again_why_the_stored_pair_was_refused(gui, qtbot):
    """QA14: Escape on the start-up dialog, then File → Sign in…: nothing said the environment's pair had been
    refused (and would be again at the next start)."""
    sb = asgi_sandbox()
    desk = gui.desk(sb, secret="0" * 32)  # TESTINGBOT_KEY and TESTINGBOT_SECRET set, the secret wrong
    task = gui.loop.create_task(desk.start())
    first = sign_in_dialog(gui, desk)
    refused = first.content.findChild(QLabel, "errorLabel").text()
    assert "TESTINGBOT_SECRET were not accepted" in refused
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(task)
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)  # Sign in…
    again = sign_in_dialog(gui, desk)
    label = again.content.findChild(QLabel, "errorLabel")
    assert label.isVisible() and label.text() == refused
    fill_and_submit(qtbot, sb.key, sb.secret)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)  # signed in now: nothing of that is said any more
    fresh = sign_in_dialog(gui, desk)
    assert not fresh.content.findChild(QLabel, "errorLabel").isVisible()
    press(qtbot, Qt.Key.Key_Escape)


def test_sign_in_names_a_profile_and_switch_profile_lists_them(gui, qtbot):
    """QA #6: each remembered sign-in overwrote the only profile; now a name keeps each pair apart."""
    sb = asgi_sandbox()
    backend = MemoryKeyring()
    store = CredentialStore(gui.tmp / "config", backend=backend)
    desk = gui.desk(sb, key=False, store=store)
    task = gui.loop.create_task(desk.start())
    dialog = sign_in_dialog(gui, desk)
    assert dialog.profile.text() == "default" and dialog.remember.isChecked()
    fill_and_submit(qtbot, sb.key, sb.secret)  # the prefilled name
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    member_key, member_secret = gui.run(role_pair(sb, "member"))
    # File → Sign in… under a new name adds a profile; the current one is prefilled.
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    dialog = sign_in_dialog(gui, desk)
    assert dialog.profile.text() == "default"
    fill_and_submit(qtbot, member_key, member_secret, profile="staging member")
    gui.run(until(lambda: desk.session.profile.name == "staging member" and desk.session.user.role == "member"))
    assert [p.name for p in store.profiles()] == ["default", "staging member"]
    names = [a.text().replace("&&", "&") for a in desk.window.profiles_menu.actions()]
    assert names == ["default", "staging member"]
    checked = [a.text() for a in desk.window.profiles_menu.actions() if a.isChecked()]
    assert checked == ["staging member"]
    # An existing name updates that profile (no third one).
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    dialog = sign_in_dialog(gui, desk)
    assert dialog.profile.text() == "staging member"
    fill_and_submit(qtbot, sb.key, sb.secret, profile="default")
    gui.run(until(lambda: desk.session.profile.name == "default" and desk.session.can_manage, what="owner again"))
    assert [p.name for p in store.profiles()] == ["staging member", "default"]
    # File → Switch profile → "staging member": the member's pair from the keyring.
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_W)
    submenu = gui.run(until(lambda: desk.window.profiles_menu.isVisible() and desk.window.profiles_menu))
    for _ in range(3):
        if (submenu.activeAction() and submenu.activeAction().text()) == "staging member":
            break
        qtbot.keyClick(submenu, Qt.Key.Key_Down)
    qtbot.keyClick(submenu, Qt.Key.Key_Return)
    gui.run(until(lambda: desk.session.user and desk.session.user.role == "member", what="switched"))
    # Key and secret only in the keyring, one entry per profile; the profiles file has names and URLs.
    assert {name for (_service, name) in backend.items} == {"default", "staging member"}
    text = (gui.tmp / "config" / "profiles.json").read_text("utf-8")
    assert sb.secret not in text and member_secret not in text and sb.key not in text


# -- honest signed-out state, and nothing of the last session carried over ------------------------


def test_cancelling_the_key_not_accepted_prompt_signs_out_for_real(gui, qtbot):
    """QA #11: after Cancel the window still said "Alex Morgan, owner", with stale rows and live actions."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    sb.store.reset_user_keys(sb.store.owner()["id"])  # the admin's pair was rotated elsewhere
    press(qtbot, Qt.Key.Key_F5)
    dialog = sign_in_dialog(gui, desk)
    assert "not accepted" in dialog.content.findChild(QLabel, "errorLabel").text()
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: desk.session.client is None, what="signed out"))
    gui.run(until(lambda: not desk.runner.running("sign-in"), what="the prompt's task done"))
    assert w.user_label.text() == "Not signed in"
    assert "Not signed in" in w.statusBar().currentMessage() and "File → Sign in" in w.statusBar().currentMessage()
    assert desk.accounts.rowCount() == 0 and desk.tests.rowCount() == 0  # no stale data
    assert w.refreshed_label.text() == ""  # no frozen "Updated …"
    assert w.accounts_stack.currentWidget() is w.empty_label and "File → Sign in" in w.empty_label.text()
    for action in (w.add_action, w.edit_action, w.rotate_action, w.delete_action, w.refresh_action):
        assert not action.isEnabled(), action.text()
    # An admin shortcut now says why it does nothing, and does not ask for the pair again.
    w.activateWindow()
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert "not signed in" in w.statusBar().currentMessage()
    assert desk.dialog is None or not desk.dialog.isVisible()
    assert not desk.runner.running("sign-in")
    # File → Sign in… with the new pair carries on.
    fresh = sb.store.owner()
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, fresh["key"], fresh["secret"])
    gui.run(until(lambda: desk.session.client is not None and desk.accounts.rowCount() == 6, what="back in"))
    assert w.add_action.isEnabled() and "owner" in w.user_label.text()


def dirty_the_view(gui, qtbot, desk) -> None:
    """What an admin leaves behind: filter text, a Started-by choice from "Only tests by …", a Show choice."""
    w = desk.window
    press(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), "ci")
    press(qtbot, Qt.Key.Key_Down)  # into the matches: one is selected
    assert desk.selected() is not None
    click(qtbot, w.only_selected)
    assert w.started_by.currentIndex() >= FIXED
    press(qtbot, Qt.Key.Key_W, ALT)  # Show
    press(qtbot, Qt.Key.Key_Down)
    assert w.show_combo.currentIndex() == 1
    w.accounts_view.setFocus()


def assert_fresh_view(desk) -> None:
    w = desk.window
    assert w.filter_edit.text() == ""
    assert w.show_combo.currentIndex() == 0
    assert w.started_by.currentIndex() == 0  # Everyone
    # A sign-in with accounts to show starts on the first row, as start-up does (QA3): the button offers that
    # account, nothing of the last session; with none (a member, or signed out) nothing is selected.
    selected = desk.selected()
    if desk.accounts_proxy.rowCount():
        assert selected is not None and desk.accounts_proxy.index(0, 0).data() == selected.identifier
        assert w.only_selected.isVisible() and selected.identifier in w.only_selected.text()
    else:
        assert selected is None and not w.only_selected.isVisible()
    assert not w.clear_filters.isVisible()


def test_signing_out_or_in_as_someone_else_leaves_no_filters_behind(gui, qtbot):
    """QA #15/41: the last admin's filters stayed; the signed-out area had no prompt; a refused pair
    blanked the view that was still signed in."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    dirty_the_view(gui, qtbot, desk)
    # A refused pair while signed in: the view stays as it was (rows, notice, filters), not even briefly blanked.
    before = (w.accounts_stack.currentWidget(), w.empty_label.text(), desk.accounts_proxy.rowCount())
    flips: list[int] = []
    w.accounts_stack.currentChanged.connect(flips.append)
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    dialog = sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, sb.key, "not-the-secret")
    gui.run(until(lambda: "not accepted" in dialog.content.findChild(QLabel, "errorLabel").text()))
    assert (w.accounts_stack.currentWidget(), w.empty_label.text(), desk.accounts_proxy.rowCount()) == before
    assert flips == [] and desk.accounts.rowCount() == 6 and w.filter_edit.text() == "ci"
    w.accounts_stack.currentChanged.disconnect(flips.append)
    # Another identity (a member): nothing of the admin's view is left.
    member_key, member_secret = gui.run(role_pair(sb, "member"))
    dialog.key.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), member_key)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), member_secret)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: desk.session.user and desk.session.user.role == "member", what="the member"))
    gui.run(until(lambda: desk.tests.rowCount() > 0, what="the member's tests"))
    assert_fresh_view(desk)
    # Back as the owner, filters set again, then File → Sign out: fresh too, with a sign-in prompt.
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, sb.key, sb.secret)
    gui.run(until(lambda: desk.session.can_manage and desk.accounts.rowCount() == 6, what="the owner"))
    assert_fresh_view(desk)
    dirty_the_view(gui, qtbot, desk)
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_O)  # Sign out
    sign_in_dialog(gui, desk)
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not desk.runner.running("sign-in"), what="signed out"))
    assert_fresh_view(desk)
    assert w.started_by.count() == FIXED  # no people or "(deleted)" accounts of the last session
    assert w.accounts_stack.currentWidget() is w.empty_label
    assert w.empty_label.text().startswith("Not signed in") and "File → Sign in" in w.empty_label.text()


# -- a key in the filter box ---------------------------------------------------------------------


def test_a_typed_key_is_recognised_like_a_pasted_one_and_old_notes_go(gui, qtbot):
    """QA #24: typing "deadbeef…" (a 32-hex key with no digit) gave only "No service account matches";
    pasting it gave the banner; the "Only the key was kept…" note of an earlier paste stayed."""
    desk = signed_in(gui)
    w = desk.window
    unknown = "deadbeef" * 4
    press(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), unknown)
    assert w.triage_bar.isVisible() and "No service account of this team has this key" in w.triage_label.text()
    typed = w.triage_label.text()
    # Pasted with its secret: the same banner; only the key stays in the box, and a note says so.
    press(qtbot, Qt.Key.Key_A, CTRL)
    QGuiApplication.clipboard().setText(f"{unknown}:{'0123456789abcdef' * 2}")
    press(qtbot, Qt.Key.Key_V, CTRL)
    gui.run(until(lambda: w.filter_edit.text() == unknown, what="only the key kept"))
    assert w.triage_bar.isVisible() and w.triage_label.text() == typed
    assert w.statusBar().currentMessage().startswith("Only the key was kept")
    # Typing something else: the note about the paste goes with it.
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), "ci")
    assert not w.triage_bar.isVisible()
    assert "Only the key was kept" not in w.statusBar().currentMessage()
    QGuiApplication.clipboard().clear()


def test_account_shortcuts_in_the_tests_table_say_where_they_work(gui, qtbot):
    """QA #22: Ctrl+R, F2, Del, Ctrl+B, Ctrl+C in the tests table did nothing and said nothing."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    secret = sb.store.service_account(ci.id)["secret"]
    w.tests_view.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is w.tests_view
    QGuiApplication.clipboard().setText("before")
    for key, mod, words in (
        (Qt.Key.Key_R, CTRL, "Ctrl+R rotates the selected service account"),
        (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier, "F2 renames"),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier, "Del deletes"),
        (Qt.Key.Key_B, CTRL, "Ctrl+B copies the key of the selected service account"),
    ):
        press(qtbot, key, mod)
        said = w.statusBar().currentMessage()
        assert said.startswith(words) and "accounts table (Ctrl+F, then Down)" in said, said
        assert desk.dialog is None or not desk.dialog.isVisible()  # nothing opened
        assert QGuiApplication.clipboard().text() == "before"  # nothing copied
    # Ctrl+C keeps the table's meaning (the cell's text), says where the secret is copied, never copies it.
    press(qtbot, Qt.Key.Key_C, CTRL)
    said = w.statusBar().currentMessage()
    assert said.startswith("Ctrl+C here copies the cell") and "secret" in said and "accounts table" in said, said
    copied = QGuiApplication.clipboard().text()
    assert copied == w.tests_view.currentIndex().data() and secret not in copied
    assert ci.key not in copied
    gui.run(until(lambda: not desk.runner.running("reveal") and not desk.runner.running("copy")))
    assert QGuiApplication.clipboard().text() == copied
    QGuiApplication.clipboard().clear()


def test_account_shortcuts_in_the_tests_filter_boxes_say_where_they_work_and_leave_editing_alone(gui, qtbot):
    """QA15: Ctrl+R and F2 in Started by, Result, Build or the name box did nothing and said nothing (the tests
    table says where they work). Keys the box uses itself keep their meaning."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    desk.select_account(row_of(desk, "ci-runner").id)
    for box in (w.started_by, w.result_combo, w.build_combo, w.test_name_edit):
        w.statusBar().clearMessage()
        box.setFocus(Qt.FocusReason.TabFocusReason)
        gui.run(until(lambda b=box: focused() is b or b.isAncestorOf(focused()), what=box.objectName()))
        for key, mod, words in (
            (Qt.Key.Key_R, CTRL, "Ctrl+R rotates the selected service account"),
            (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier, "F2 renames"),
        ):
            press(qtbot, key, mod)
            said = w.statusBar().currentMessage()
            assert said.startswith(words) and "accounts table (Ctrl+F, then Down)" in said, (box.objectName(), said)
            assert desk.dialog is None or not desk.dialog.isVisible()  # nothing opened
    # Del in the name box deletes a character, as in any text box: no word about accounts.
    w.statusBar().clearMessage()
    qtbot.keyClicks(focused(), "abc")
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Delete)
    assert w.test_name_edit.text() == "bc" and w.statusBar().currentMessage() == ""


def test_a_refused_pair_puts_the_focus_back_in_the_secret_to_type_it_again(gui, qtbot):
    """QA6: after "not accepted" the focus was on Cancel (the only control left on while signing in): typing
    went nowhere, and Enter cancelled."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    sb.store.reset_user_keys(sb.store.owner()["id"])  # the admin's pair was rotated elsewhere
    press(qtbot, Qt.Key.Key_F5)
    dialog = sign_in_dialog(gui, desk)
    owner = sb.store.owner()
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(QApplication.focusWidget(), owner["key"])
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "f" * 32)  # a wrong secret
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: "not accepted" in dialog.content.findChild(QLabel, "errorLabel").text(), what="refused"))
    gui.run(until(lambda: focused() is dialog.secret and dialog.secret.selectedText() == "f" * 32, what="Secret"))
    qtbot.keyClicks(QApplication.focusWidget(), owner["secret"])  # typed over the wrong one
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: desk.session.client is not None and not dialog.isVisible(), what="signed in"))
    assert any(text.startswith("Signed in") for _, text in desk.messages.history[-3:])  # said, as from the keyring
