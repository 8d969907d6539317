"""QA report 2: what a tester found with real key presses under Xvfb. Keys go to the focused widget."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_qa1_window import file_menu_item, fill_and_submit, sign_in_dialog
from test_window_keys import _loop

from tbdesk.credentials import CredentialStore

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
