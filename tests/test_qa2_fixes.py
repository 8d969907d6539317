"""QA report 2: what a tester found with real key presses under Xvfb. Keys go to the focused widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel
from test_lifecycle_gui import Flaky, activate, press, shown_dialog, started, tab_to
from test_qa1_window import file_menu_item, fill_and_submit, sign_in_dialog
from test_window_keys import _loop, signed_in

from tbdesk.credentials import CredentialStore
from tbdesk.gui.bulk_rotate import BulkRotateDialog
from tbdesk.gui.dialogs import IdentifierDialog
from tbdesk.gui.handover import HandoverPanel
from tbdesk.gui.test_filters import BUILD_FIXED

from helpers.gui import until
from helpers.keyring import MemoryKeyring
from helpers.sandbox import asgi_sandbox, role_pair

__all__ = ["_loop"]  # the autouse fixture that lets the key helpers wait on this test's loop


def test_switching_profile_is_remembered_for_the_next_start(gui, qtbot):
    """QA2 #58/59: owner-qa, then member-qa, Switch profile → owner-qa, quit: the next start was member-qa."""
    sb = asgi_sandbox()
    store = CredentialStore(gui.tmp / "config", backend=MemoryKeyring())
    desk = gui.desk(sb, key=False, store=store)
    task = gui.loop.create_task(desk.start())
    sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, sb.key, sb.secret, profile="owner-qa")
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    member_key, member_secret = gui.run(role_pair(sb, "member"))
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, member_key, member_secret, profile="member-qa")
    gui.run(until(lambda: desk.session.profile.name == "member-qa" and desk.session.user.role == "member"))
    assert store.last_profile() == "member-qa"
    # File → Switch profile → owner-qa, by keys.
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_W)
    submenu = gui.run(until(lambda: desk.window.profiles_menu.isVisible() and desk.window.profiles_menu))
    for _ in range(3):
        if (submenu.activeAction() and submenu.activeAction().text()) == "owner-qa":
            break
        qtbot.keyClick(submenu, Qt.Key.Key_Down)
    qtbot.keyClick(submenu, Qt.Key.Key_Return)
    gui.run(until(lambda: desk.session.user and desk.session.user.role != "member", what="switched"))
    gui.run(until(lambda: not desk.runner.running("sign-in"), what="the switch done"))
    # The next start (a fresh store on the same folder, no environment pair) opens owner-qa.
    assert store.last_profile() == "owner-qa"
    again = CredentialStore(gui.tmp / "config", backend=store._backend)  # the same keyring
    resolved = again.resolve(environ={}, home=gui.tmp)
    assert resolved is not None and resolved.profile.name == "owner-qa"
    assert resolved.credentials.key == sb.key


def test_bulk_results_and_retry_come_back_after_the_hand_over_panel(gui, qtbot):
    """QA2 #13: "Hand over N new pairs…" closed the results; the failures' Retry was gone with them."""
    sb = asgi_sandbox()
    flaky = Flaky(sb.transport)
    desk = started(gui, qtbot, sb, transport=flaky)
    flaky.refuse = next(a.id for a in desk.accounts.accounts() if a.identifier == "release-smoke")
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk dialog"))
    qtbot.keyClicks(QApplication.focusWidget(), str(dialog.table.rowCount()))
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done", what="rotated"))
    assert QApplication.focusWidget() is dialog.handover and dialog.retry.text() == "&Retry 1 not rotated…"
    press(qtbot, Qt.Key.Key_Return)  # Hand over 5 new pairs…
    panel = gui.run(until(lambda: (p := desk.lifecycle.panel) is not None and p.isVisible() and p, what="panel"))
    assert isinstance(panel, HandoverPanel) and QApplication.activeModalWidget() is None  # nothing blocks it
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    assert panel.isAncestorOf(QApplication.focusWidget())
    press(qtbot, Qt.Key.Key_Escape)  # the panel closes: the results are back, with the focus on Retry
    gui.run(until(lambda: dialog.isVisible() and QApplication.focusWidget() is dialog.retry, what="results back"))
    assert "release-smoke" in [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    flaky.refuse = -1
    press(qtbot, Qt.Key.Key_Space)  # Retry 1 not rotated…
    again = gui.run(until(lambda: (d := shown_dialog(desk, BulkRotateDialog)) is not dialog and d, what="retry"))
    assert [again.table.item(r, 0).text() for r in range(again.table.rowCount())] == ["release-smoke"]
    activate(qtbot, again)
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not again.isVisible(), what="closed"))


def choose_by_keys(qtbot, combo, index: int) -> None:
    """Focus a combo box and press Down (or Up) until `index` is current, as a keyboard user does."""
    combo.setFocus()
    for _ in range(combo.count() * 2):
        if combo.currentIndex() == index:
            return
        key = Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert combo.currentIndex() == index


def test_the_no_tests_message_names_every_filter_that_is_on(gui, qtbot):
    """QA2 #38: Started by an account + a Build none of its tests has said "No tests by 'X'"."""
    desk = signed_in(gui)
    w = desk.window
    by = {}
    for r in range(desk.tests.rowCount()):
        t = desk.tests.test_at(r)
        # A deleted account's tests keep its label but it is not offered in Started by: only accounts shown.
        if t.started_by and t.started_by.is_service_account and desk.accounts.account(t.started_by.id):
            by.setdefault(t.started_by.id, set()).add(t.build)
    account_id, builds = min(by.items(), key=lambda kv: len(kv[1]))
    identifier = desk.accounts.account(account_id).identifier
    gui.run(until(lambda: w.build_combo.count() > BUILD_FIXED, what="the builds offered"))
    other = next(i for i in range(BUILD_FIXED, w.build_combo.count()) if w.build_combo.itemText(i) not in builds)
    build = w.build_combo.itemText(other)
    gui.run(until(lambda: desk.presenter.started_by.index_of(account_id) > 0, what="the account offered"))
    choose_by_keys(qtbot, w.started_by, desk.presenter.started_by.index_of(account_id))
    gui.run(until(lambda: desk.tests_proxy.who == account_id, what="started by the account"))
    assert not w.tests_empty.isVisible()
    choose_by_keys(qtbot, w.build_combo, other)
    gui.run(until(lambda: w.tests_empty.isVisible(), what="the empty state"))
    text = w.tests_empty.text()
    assert "No tests by" not in text, text  # the account is not the cause: the build is
    assert "matches these filters" in text and f"Started by {identifier}" in text and f"Build {build}" in text
    # Started by alone still names the account.
    choose_by_keys(qtbot, w.build_combo, 0)
    assert not w.tests_empty.isVisible()


def test_signing_in_as_someone_else_goes_back_to_the_recent_tests_tab(gui, qtbot):
    """QA2 #43: a member signing in after an admin on the Activity tab read "Select a service account above…"."""
    sb = asgi_sandbox()
    desk = signed_in(gui, sb)
    w = desk.window
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)  # the Activity tab
    assert w.lower_tabs.currentWidget() is w.activity_tab
    member_key, member_secret = gui.run(role_pair(sb, "member"))
    file_menu_item(gui, qtbot, desk, Qt.Key.Key_I)
    sign_in_dialog(gui, desk)
    fill_and_submit(qtbot, member_key, member_secret)
    gui.run(until(lambda: desk.session.user and desk.session.user.role == "member", what="the member"))
    assert w.lower_tabs.currentWidget() is w.tests_tab


def assert_no_label_clipped(dialog) -> None:
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.text():
            assert label.height() >= label.heightForWidth(label.width()), label.text()
            bottom = label.mapTo(dialog, label.rect().bottomLeft()).y()
            assert label.mapTo(dialog, label.rect().topLeft()).y() >= 0 and bottom <= dialog.height(), label.text()


def test_add_dialog_grows_to_show_the_whole_look_alike_warning(gui, qtbot):
    """QA2 #29/63: with the look-alike warning shown, the top line and the warning's end were cut off."""
    desk = signed_in(gui)
    w = desk.window
    w.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: isinstance(d := desk.dialog, IdentifierDialog) and d.isVisible() and d))
    gui.run(until(lambda: QApplication.focusWidget() is dialog.edit, what="the identifier field"))
    QGuiApplication.clipboard().setText("ci-\u0433un\u0578e\u0433")  # Cyrillic look-alikes of "ci-runner"
    qtbot.keySequence(QApplication.focusWidget(), QKeySequence.StandardKey.Paste)
    assert "looks the same" in dialog.hint.text()
    QApplication.processEvents()
    assert_no_label_clipped(dialog)
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not dialog.isVisible(), what="closed"))


def test_bulk_dialog_shows_new_key_ages_and_a_true_blurb_when_a_round_rotated_nothing(gui, qtbot):
    """QA2 #73/74: a Retry round that rotated nothing kept the before-run warning; rotated rows kept their
    old Key age in the dialog."""
    sb = asgi_sandbox()
    flaky = Flaky(sb.transport)
    desk = started(gui, qtbot, sb, transport=flaky)
    flaky.refuse = next(a.id for a in desk.accounts.accounts() if a.identifier == "release-smoke")
    desk.window.accounts_view.setFocus()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = gui.run(until(lambda: shown_dialog(desk, BulkRotateDialog), what="bulk dialog"))
    before_run = dialog.warning.text()
    ages = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert ages["ci-runner"] != "today"
    qtbot.keyClicks(QApplication.focusWidget(), str(dialog.table.rowCount()))
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: dialog.state.value == "done", what="rotated"))
    now = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert now["ci-runner"] == "today" and now["release-smoke"] == ages["release-smoke"]  # refused: its old key
    # Retry the refused one, refused again: the round rotated nothing, and the dialog says so.
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.retry
    press(qtbot, Qt.Key.Key_Space)
    again = gui.run(until(lambda: (d := shown_dialog(desk, BulkRotateDialog)) is not dialog and d, what="retry"))
    activate(qtbot, again)
    assert again.warning.text() == before_run
    tab_to(qtbot, again.ok)
    press(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: again.state.value == "done", what="retried"))
    assert again.title.text() == "Rotated 0 of 1 access keys"
    assert again.warning.text() != before_run and "None of these was rotated" in again.warning.text()
    assert "5 pairs rotated earlier" in again.warning.text()
    press(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: not again.isVisible(), what="closed"))
