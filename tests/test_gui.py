"""The real window, driven with pytest-qt against the real sandbox: one test per user story."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from tbdesk.api import Credentials, TestingBotClient
from tbdesk.core.snippets import hub_url
from tbdesk.gui.clipboard import SENSITIVE_FORMATS
from tbdesk.gui.dialogs import DeleteDialog, IdentifierDialog, RotateDialog, SignInDialog
from tbdesk.gui.models import AccountCol, TestCol, TestsProxy
from tbdesk.sandbox.faults import Faults

from helpers.gui import StallWatch, cell_center, click, row_of, until
from helpers.sandbox import SA, asgi_sandbox


def dialog_of(desk, kind):
    d = desk.dialog
    return d if isinstance(d, kind) and d.isVisible() else None


async def open_dialog(desk, action, kind):
    action.trigger()
    return await until(lambda: dialog_of(desk, kind), what=kind.__name__)


# -- signing in ---------------------------------------------------------------------------------


def test_first_screen_shows_accounts_and_tests(gui):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    idents = {a.identifier for a in desk.accounts.accounts()}
    assert len(idents) == 6 and "ci-runner" in idents
    assert desk.tests.rowCount() == 100 and desk.tests.total == 300
    assert "Alex Morgan" in desk.window.user_label.text() and "Team Pro" in desk.window.user_label.text()
    assert desk.window.windowTitle() == "tbdesk"
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage"))
    ci = row_of(desk, "ci-runner")
    week = desk.accounts.index(desk.accounts.row_of(ci.id), AccountCol.TESTS_7D).data()
    assert week.isdigit() and int(week) > 0


def test_sign_in_dialog_bad_then_good_pair(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.desk(sb, key=False)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog), what="sign-in dialog"))
    assert not dialog.ok.isEnabled()  # nothing typed yet
    assert not dialog.remember.isEnabled() and "this session only" in dialog.remember.toolTip()
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    qtbot.keyClicks(dialog.key, sb.key)
    qtbot.keyClicks(dialog.secret, "0" * 32)
    click(qtbot, dialog.ok)
    gui.run(until(lambda: dialog_error(dialog), what="inline error"))
    assert dialog.isVisible() and desk.client is None
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, sb.secret)
    click(qtbot, dialog.ok)
    gui.run(until(desk.loaded.is_set, what="signed in"))
    gui.run(task)
    assert not dialog.isVisible() and len(desk.accounts.accounts()) == 6


def dialog_error(dialog) -> bool:
    from PySide6.QtWidgets import QLabel

    label = dialog.content.findChild(QLabel, "errorLabel")
    return label.isVisible() and "not accepted" in label.text()


def test_sign_out_forgets_the_stored_pair(gui, qtbot):
    from tbdesk.credentials import SERVICE, CredentialStore

    from helpers.keyring import MemoryKeyring

    sb = asgi_sandbox()
    backend = MemoryKeyring()
    store = CredentialStore(gui.tmp / "cfg", backend=backend)
    desk = gui.desk(sb, key=False, store=store)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog)))
    assert dialog.remember.isChecked() and dialog.remember.isEnabled()
    qtbot.keyClicks(dialog.key, sb.key)
    qtbot.keyClicks(dialog.secret, sb.secret)
    click(qtbot, dialog.ok)
    gui.run(task)
    assert (SERVICE, "default") in backend.items
    assert desk.window.accounts_count.text() == "6"
    desk.window.sign_out_action.trigger()
    again = gui.run(
        until(
            lambda: dialog_of(desk, SignInDialog) if dialog_of(desk, SignInDialog) is not dialog else None,
            what="a new sign-in dialog",
        )
    )
    assert (SERVICE, "default") not in backend.items and desk.accounts.rowCount() == 0
    assert desk.window.accounts_count.text() == ""  # not "0": nobody is signed in to count for
    again.reject()


# -- add, rename, rotate, delete ----------------------------------------------------------------


def test_add_validates_live_and_selects_the_new_row(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    dialog = gui.run(open_dialog(desk, desk.window.add_action, IdentifierDialog))
    qtbot.keyClicks(dialog.edit, "  ab ")
    assert not dialog.ok.isEnabled() and "at least 3" in dialog.hint.text()
    dialog.edit.setText("CI-Runner")
    assert not dialog.ok.isEnabled() and "already exists" in dialog.hint.text()
    dialog.edit.setText("new-pipeline")
    assert dialog.ok.isEnabled() and dialog.hint.text() == ""
    click(qtbot, dialog.ok)
    gui.run(until(lambda: not dialog.isVisible(), what="dialog closed"))
    made = row_of(desk, "new-pipeline")
    assert made is not None and desk.selected().id == made.id
    # Its secret came with the create answer: revealing it needs no request.
    sent = desk.client.requests_sent
    desk.window.reveal_secret_action.trigger()
    shown = desk.accounts.index(desk.accounts.row_of(made.id), AccountCol.SECRET).data()
    assert len(shown) == 32 and desk.client.requests_sent == sent
    assert sb.store.service_account(made.id)["secret"] == shown


def test_add_shows_the_servers_error_on_the_field(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    dialog = gui.run(open_dialog(desk, desk.window.add_action, IdentifierDialog))
    sb.store.create_service_account("made-elsewhere")  # another admin, after our list was loaded
    qtbot.keyClicks(dialog.edit, "Made-Elsewhere")
    assert dialog.ok.isEnabled()
    click(qtbot, dialog.ok)
    gui.run(until(lambda: "already exists" in dialog.hint.text(), what="server error on the field"))
    assert dialog.isVisible() and dialog.edit.text() == "Made-Elsewhere"  # nothing lost
    dialog.reject()


def test_rename_keeps_key_and_secret(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    before = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    dialog = gui.run(open_dialog(desk, desk.window.edit_action, IdentifierDialog))
    assert "do not change" in dialog.content.findChild(type(dialog.hint), "introLabel").text()
    assert not dialog.ok.isEnabled()  # unchanged
    dialog.edit.setText("ci-runner-eu")
    click(qtbot, dialog.ok)
    gui.run(until(lambda: row_of(desk, "ci-runner-eu"), what="renamed row"))
    after = sb.store.service_account(ci.id)
    assert (after["key"], after["secret"]) == (before["key"], before["secret"])
    assert row_of(desk, "ci-runner") is None


def test_rotate_cancel_then_confirm_cuts_off_the_old_pair(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    gui.run(until(lambda: desk.accounts.usage_loaded))
    ci = row_of(desk, "ci-runner")
    old = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    dialog = gui.run(open_dialog(desk, desk.window.rotate_action, RotateDialog))
    assert dialog.cancel.isDefault() and not dialog.ok.isDefault()
    from PySide6.QtWidgets import QLabel

    labels = {w.objectName(): w.text() for w in dialog.content.findChildren(QLabel)}
    assert "ci-runner" in labels["titleLabel"] and "stop working immediately" in labels["warningLabel"]
    assert labels["weekValue"].isdigit() and int(labels["weekValue"]) > 0
    click(qtbot, dialog.cancel)
    gui.run(until(lambda: not dialog.isVisible()))
    assert sb.store.service_account(ci.id)["key"] == old["key"]

    dialog = gui.run(open_dialog(desk, desk.window.rotate_action, RotateDialog))
    click(qtbot, dialog.ok)
    gui.run(until(lambda: not dialog.isVisible(), what="rotation done"))
    new = sb.store.service_account(ci.id)
    assert new["key"] != old["key"] and row_of(desk, "ci-runner").key == new["key"]
    assert sb.store.authenticate(old["key"], old["secret"]) is None
    # The new pair is one click away.
    desk.window.copy_secret_action.trigger()
    gui.run(until(lambda: QGuiApplication.clipboard().text() == new["secret"], what="new secret copied"))


def test_delete_needs_the_typed_identifier_and_tests_keep_the_label(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    victim = row_of(desk, "visual-diff")
    desk.select_account(victim.id)
    dialog = gui.run(open_dialog(desk, desk.window.delete_action, DeleteDialog))
    assert dialog.cancel.isDefault() and not dialog.ok.isEnabled()  # Enter deletes only once typed
    qtbot.keyClicks(dialog.confirm, "visual-dif")
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.confirm, "F")
    assert not dialog.ok.isEnabled()  # exact match only
    dialog.confirm.setText("visual-diff")
    assert dialog.ok.isEnabled()
    click(qtbot, dialog.ok)
    gui.run(until(lambda: row_of(desk, "visual-diff") is None, what="row removed"))
    labels = {
        t["name"]
        for t in (
            dict(r)
            for r in sb.store.query(
                "SELECT sa.identifier AS name FROM tests t JOIN service_accounts sa ON sa.id = t.sb_id "
                "WHERE t.sb_type = 'service_account' AND sa.id = ?",
                (victim.id,),
            )
        )
    }
    assert labels == {"visual-diff"}
    desk.refresh()
    gui.run(until(lambda: not desk.runner.running("refresh")))
    shown = {desk.tests.index(r, TestCol.STARTED_BY).data() for r in range(desk.tests.rowCount())}
    assert "visual-diff (deleted)" in shown


# -- reveal and copy ----------------------------------------------------------------------------


def test_reveal_and_copy_with_the_cell_buttons(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb, clipboard_timeout=30))
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    view = desk.window.accounts_view.viewport()
    key_index = desk.accounts.index(desk.accounts.row_of(ci.id), AccountCol.KEY)
    secret_index = desk.accounts.index(desk.accounts.row_of(ci.id), AccountCol.SECRET)
    assert key_index.data() == secret_index.data() == "•" * 12  # same width whatever the value
    click(qtbot, view, cell_center(desk, ci.id, AccountCol.KEY, "eye"))
    assert key_index.data() == pair["key"]
    click(qtbot, view, cell_center(desk, ci.id, AccountCol.SECRET, "eye"))
    assert secret_index.data() == "loading…"  # busy mark while the secret is fetched on demand
    gui.run(until(lambda: secret_index.data() == pair["secret"], what="secret revealed"))
    click(qtbot, view, cell_center(desk, ci.id, AccountCol.KEY, "eye"))
    assert key_index.data() == "•" * 12
    click(qtbot, view, cell_center(desk, ci.id, AccountCol.SECRET, "copy"))
    clip = QGuiApplication.clipboard()
    assert clip.text() == pair["secret"]
    mime = clip.mimeData()
    for fmt, value in SENSITIVE_FORMATS.items():
        assert bytes(mime.data(fmt)) == value
    assert "clears in 30 s" in desk.window.clipboard_label.text()
    click(qtbot, view, cell_center(desk, ci.id, AccountCol.KEY, "copy"))
    assert clip.text() == pair["key"]


def test_cells_painted_from_their_pictures_look_as_cells_painted_anew(gui, qtbot):
    # Hidden keys, the "…" buttons and the sparklines are painted from pictures kept by what they show: through
    # a selection moving, the current cell outlined, a key revealed and hidden again and the window losing the
    # focus, the table must look exactly as it does painted with no picture kept.
    from PySide6.QtWidgets import QApplication

    from tbdesk.gui.cell_pictures import CellPictures

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    w.resize(1400, 700)  # every column on screen, the "…" one too
    gui.run(until(lambda: desk.accounts.sparks_loaded, what="the sparklines"))
    view = w.accounts_view
    delegates = [view.itemDelegateForColumn(c) for c in range(view.model().columnCount())]
    delegates = [d for d in delegates if d is not None and hasattr(d, "_pictures")]
    assert len(delegates) == 4  # Key, Secret, Last 14 days, "…"

    def looks_as_painted_anew(step: str) -> None:
        # The pictures kept from every state before stay for the steps after: a key that leaves out what a
        # cell shows would bring an earlier state's picture back.
        kept = view.viewport().grab().toImage()
        pictures = [d._pictures for d in delegates]
        for d in delegates:
            d._pictures = CellPictures()
        anew = view.viewport().grab().toImage()
        for d, p in zip(delegates, pictures, strict=True):
            d._pictures = p
        assert kept == anew, step

    ci = row_of(desk, "ci-runner")
    click(qtbot, view.viewport(), cell_center(desk, ci.id, AccountCol.IDENTIFIER))
    gui.run(until(lambda: QApplication.focusWidget() is view, what="focus"))
    looks_as_painted_anew("a row selected")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the Key cell current: outlined
    looks_as_painted_anew("the key cell current")
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    view.horizontalHeader().resizeSection(AccountCol.KEY, 420)  # widened by the admin: revealing keeps the width
    looks_as_painted_anew("the key column widened")
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
        gui.run(until(lambda: desk.accounts.is_revealed(ci.id, AccountCol.KEY), what="key revealed"))
        looks_as_painted_anew("a key revealed")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
        gui.run(until(lambda: not desk.accounts.any_revealed(), what="hidden"))
        looks_as_painted_anew("the key hidden again")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    looks_as_painted_anew("the next row")
    w.filter_edit.setFocus()
    looks_as_painted_anew("the focus in the filter box")


def test_a_revealed_key_and_secret_are_shown_in_full_and_the_columns_narrow_again_when_hidden(gui, qtbot):
    from PySide6.QtGui import QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QApplication

    from tbdesk.gui.delegates import BUTTON, GAP

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    header = w.accounts_view.horizontalHeader()
    masked = {col: header.sectionSize(col) for col in (AccountCol.KEY, AccountCol.SECRET)}
    mono = QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

    def readable(col: int, value: str) -> bool:
        text_room = header.sectionSize(col) - (2 * (BUTTON + GAP) + 4) - 8  # the buttons and cell margins
        return text_room >= mono.horizontalAdvance(value)

    click(qtbot, w.accounts_view.viewport(), cell_center(desk, ci.id, AccountCol.IDENTIFIER))
    gui.run(until(lambda: QApplication.focusWidget() is w.accounts_view, what="focus"))
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    gui.run(until(lambda: desk.accounts.is_revealed(ci.id, AccountCol.KEY), what="key revealed"))
    assert readable(AccountCol.KEY, pair["key"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(lambda: readable(AccountCol.SECRET, pair["secret"]), what="secret readable"))
    assert readable(AccountCol.KEY, pair["key"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(lambda: not desk.accounts.any_revealed(), what="hidden"))
    assert {col: header.sectionSize(col) for col in masked} == masked


def test_the_column_titles_follow_the_columns_when_a_revealed_secret_gives_the_name_its_room_back(gui, qtbot):
    # QA20: the name column yielded its room to a revealed secret and took it back once hidden, and the header
    # on screen kept the titles where they were while the secret showed, 75 px off the cells below.
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QHeaderView

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    w.resize(1250, 760)  # the name column stretches, and shrinks to its floor while a secret shows
    view, header = w.accounts_view, w.accounts_view.horizontalHeader()
    gui.run(until(lambda: header.sectionResizeMode(AccountCol.IDENTIFIER) == QHeaderView.ResizeMode.Stretch))
    ci = row_of(desk, "ci-runner")
    click(qtbot, view.viewport(), cell_center(desk, ci.id, AccountCol.IDENTIFIER))
    gui.run(until(lambda: QApplication.focusWidget() is view, what="focus"))

    def header_on_screen_is_drawn_anew() -> bool:
        shown = QApplication.primaryScreen().grabWindow(w.winId()).toImage()  # what the window shows now
        where = header.geometry().translated(header.parentWidget().mapTo(w, QPoint(0, 0)))
        anew = header.grab().toImage().convertToFormat(shown.format())
        return shown.copy(where) == anew

    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(lambda: desk.accounts.is_revealed(ci.id, AccountCol.SECRET), what="secret revealed"))
    gui.run(until(lambda: header.sectionResizeMode(AccountCol.IDENTIFIER) == QHeaderView.ResizeMode.Interactive))
    gui.run(until(header_on_screen_is_drawn_anew, what="the titles over their revealed columns"))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(lambda: header.sectionResizeMode(AccountCol.IDENTIFIER) == QHeaderView.ResizeMode.Stretch))
    gui.run(until(header_on_screen_is_drawn_anew, what="the titles back over their columns"))


def test_revealing_the_bottom_rows_pair_keeps_that_row_in_sight(gui, qtbot):
    """QA15: the wider Key and Secret columns brought a horizontal scroll bar over the bottom row: the row just
    revealed was cut in half."""
    from PySide6.QtWidgets import QApplication

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    w.resize(1180, 460)  # a few rows in sight, and no room for two revealed values beside the other columns
    view = w.accounts_view
    gui.run(until(lambda: not view.horizontalScrollBar().isVisible(), what="laid out"))
    proxy = desk.accounts_proxy
    in_sight = [
        r for r in range(proxy.rowCount()) if view.visualRect(proxy.index(r, 0)).bottom() < view.viewport().height()
    ]
    bottom = proxy.index(in_sight[-1], AccountCol.IDENTIFIER)
    click(qtbot, view.viewport(), view.visualRect(bottom).center())
    gui.run(until(lambda: QApplication.focusWidget() is view and view.currentIndex().row() == bottom.row()))
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(view.horizontalScrollBar().isVisible, what="the table scrolls sideways now"))

    def whole() -> bool:
        rect = view.visualRect(view.currentIndex())
        return rect.top() >= 0 and rect.bottom() < view.viewport().height()

    gui.run(until(whole, what="the revealed row in sight"))
    assert view.currentIndex().row() == bottom.row()


def test_a_secret_revealed_by_keyboard_in_a_narrow_window_is_scrolled_into_sight(gui, qtbot):
    """QA16: Ctrl+Shift+C in a narrow window widened the Secret column past the right edge: the secret was
    shown where it could not be seen (clicking its eye did scroll to it)."""
    from PySide6.QtWidgets import QApplication

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    w.resize(800, 550)
    view = w.accounts_view
    ci = row_of(desk, "ci-runner")
    click(qtbot, view.viewport(), cell_center(desk, ci.id, AccountCol.IDENTIFIER))
    gui.run(until(lambda: QApplication.focusWidget() is view, what="focus"))
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, shift_ctrl)
    gui.run(until(lambda: desk.accounts.is_revealed(ci.id, AccountCol.SECRET), what="secret revealed"))

    def secret_in_sight() -> bool:
        rect = view.visualRect(view.currentIndex().siblingAtColumn(AccountCol.SECRET))
        return rect.left() >= 0 and rect.right() < view.viewport().width()

    gui.run(until(secret_in_sight, what="the secret in sight"))


def test_keyboard_copy_env_and_hub(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    desk.window.accounts_view.setFocus()
    qtbot.keyClick(desk.window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == pair["key"]
    qtbot.keyClick(desk.window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    gui.run(until(lambda: QGuiApplication.clipboard().text() == pair["secret"], what="Ctrl+C"))
    desk.window.copy_env_action.trigger()
    assert QGuiApplication.clipboard().text() == f"TESTINGBOT_KEY={pair['key']} TESTINGBOT_SECRET={pair['secret']}"
    desk.window.copy_hub_action.trigger()
    assert QGuiApplication.clipboard().text() == f"http://{pair['key']}:{pair['secret']}@127.0.0.1/wd/hub"
    assert hub_url("https://api.testingbot.com/v1", "K", "S") == "https://K:S@hub.testingbot.com/wd/hub"


def test_shortcuts_and_accessible_names(gui):
    desk = gui.start(gui.desk(asgi_sandbox()))
    w = desk.window
    shortcuts = {
        a.text(): a.shortcut().toString()
        for a in (
            w.add_action,
            w.edit_action,
            w.delete_action,
            w.refresh_action,
            w.quit_action,
            w.copy_key_action,
            w.copy_secret_action,
            w.find_action,
        )
    }
    assert shortcuts == {
        "&Add…": "Ctrl+N",
        "Re&name…": "F2",
        "&Delete…": "Del",
        "Re&fresh": "F5",
        "&Quit": "Ctrl+Q",
        "Copy &key": "Ctrl+B",
        "Copy &secret": "Ctrl+C",
        "F&ilter accounts": "Ctrl+F",
    }
    index = desk.accounts.index(0, AccountCol.SECRET)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Secret hidden"
    assert "copy" in index.data(Qt.ItemDataRole.ToolTipRole)
    w.find_action.trigger()
    assert w.focusWidget() is w.filter_edit


# -- filtering and tests ------------------------------------------------------------------------


def test_filter_accounts_and_empty_state(gui, qtbot):
    sb = asgi_sandbox(accounts=0)
    desk = gui.start(gui.desk(sb))
    assert desk.window.accounts_stack.currentWidget() is desk.window.empty_label
    assert desk.window.empty_label.text() == "No service accounts yet. Add one for each pipeline."
    sb2 = asgi_sandbox()
    desk2 = gui.start(gui.desk(sb2))
    qtbot.keyClicks(desk2.window.filter_edit, "CANARY")
    assert desk2.accounts_proxy.rowCount() == 0 and desk2.window.accounts_count.text() == "0 of 6"
    desk2.window.filter_edit.setText("MO")
    shown = {desk2.accounts_proxy.index(r, 0).data() for r in range(desk2.accounts_proxy.rowCount())}
    assert shown == {"jenkins-mobile", "release-smoke"}


def test_filter_tests_by_started_by(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    combo = desk.window.started_by
    # Everyone, People, ---, 6 accounts, ---, the people and the deleted account seen in the loaded tests.
    gui.run(until(lambda: combo.findText("ci-old (deleted)") > 0, what="the deleted account from the tests"))
    entries = [combo.itemText(i) for i in range(combo.count())]
    assert entries[3:9] == sorted((a.identifier for a in desk.accounts.accounts()), key=str.casefold)
    assert entries[-1] == "ci-old (deleted)" and set(entries[10:-2]) <= {
        "Alex Morgan",
        "Priya Raman",
        "Jonas Berg",
        "Mei Tanaka",
    }
    ci = row_of(desk, "ci-runner")
    combo.setCurrentIndex(combo.findText("ci-runner"))
    proxy = desk.tests_proxy
    assert 0 < proxy.rowCount() < desk.tests.rowCount()
    assert {proxy.index(r, TestCol.STARTED_BY).data() for r in range(proxy.rowCount())} == {"ci-runner"}
    combo.setCurrentIndex(combo.findData(TestsProxy.PEOPLE))
    people = {proxy.index(r, TestCol.STARTED_BY).data() for r in range(proxy.rowCount())}
    assert people and people <= {"Alex Morgan", "Priya Raman", "Jonas Berg", "Mei Tanaka"}
    # Selecting an account offers to filter by it.
    desk.select_account(ci.id)
    assert desk.window.only_selected.isVisibleTo(desk.window)
    click(qtbot, desk.window.only_selected)
    assert proxy.who == ci.id
    combo.setCurrentIndex(combo.findData(TestsProxy.ALL))
    assert proxy.rowCount() == desk.tests.rowCount()


def test_scrolling_loads_more_tests(gui):
    desk = gui.start(gui.desk(asgi_sandbox()))
    assert desk.tests.rowCount() == 100 and desk.tests.canFetchMore()
    desk.window.tests_view.scrollToBottom()
    gui.run(until(lambda: desk.tests.rowCount() >= 200, what="second page"))
    ids = [t.id for t in desk.tests.tests()]
    assert len(ids) == len(set(ids))


def test_test_details_dialog(gui, qtbot):
    from tbdesk.gui.dialogs import TestDetailsDialog

    desk = gui.start(gui.desk(asgi_sandbox()))
    view = desk.window.tests_view
    view.setFocus()
    view.setCurrentIndex(desk.tests_proxy.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = gui.run(until(lambda: desk.window.findChild(TestDetailsDialog)))
    fields = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    test = desk.tests.tests()[0]
    assert dialog.values["Started by"].text().startswith(test.started_by.label)
    assert fields["Started by: kind"] in ("user", "service_account")
    assert fields["Session id"] == test.session_id and dialog.values["Session id"].text() == test.session_id
    dialog.close()


def test_test_details_from_the_view_menu_with_no_test_picked_says_so(gui, qtbot):
    """QA18: View → Test details with no current test did nothing at all."""
    from PySide6.QtWidgets import QApplication

    from tbdesk.gui.dialogs import TestDetailsDialog

    desk = gui.start(gui.desk(asgi_sandbox()))
    w = desk.window
    w.tests_view.setCurrentIndex(QModelIndex())
    view_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&View")
    w.accounts_view.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    gui.run(until(view_menu.isVisible, what="the View menu"))
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_D)  # Test &details
    gui.run(until(lambda: "select a test" in w.statusBar().currentMessage(), what="a word about it"))
    assert w.findChild(TestDetailsDialog) is None


def test_polling_shows_a_webdriver_test_started_with_a_service_account_key(gui):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb, poll_interval=0.2))
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)

    async def start_session() -> int:
        async with httpx.AsyncClient(
            transport=sb.transport, base_url="http://127.0.0.1", auth=(pair["key"], pair["secret"])
        ) as raw:
            r = await raw.post(
                "/wd/hub/session",
                json={
                    "capabilities": {
                        "alwaysMatch": {"browserName": "firefox", "tb:options": {"name": "polled-session"}}
                    }
                },
            )
            return r.json()["value"]["capabilities"]["tb:testId"]

    test_id = gui.run(start_session())
    gui.run(until(lambda: any(t.id == test_id for t in desk.tests.tests()), timeout=10, what="polled test"))
    row = next(i for i, t in enumerate(desk.tests.tests()) if t.id == test_id)
    assert row == 0 and desk.tests.index(row, TestCol.STARTED_BY).data() == "ci-runner"
    assert desk.tests.index(row, TestCol.STATUS).data() == "running"


# -- roles and errors ---------------------------------------------------------------------------


def test_viewer_sees_tests_and_why_there_are_no_service_accounts(gui):
    from helpers.sandbox import role_pair

    sb = asgi_sandbox()
    key, secret = gui.run(role_pair(sb, "viewer"))
    desk = gui.start(gui.desk(sb, key=key, secret=secret))
    w = desk.window
    # Service accounts are for team admins only (the list too): the panel says so; tests load as usual.
    assert desk.accounts.rowCount() == 0 and desk.tests.rowCount() == 100
    assert w.accounts_stack.currentWidget() is w.empty_label
    assert w.empty_label.text().startswith("Only team admins can see service accounts.")
    # An expected refusal: who they are and what they may do, not the request's technical details.
    assert "a viewer: this session is read-only" in w.empty_label.text()
    assert f"GET {SA}" not in w.empty_label.text() and "Tests are shown as usual." in w.empty_label.text()
    for action in (w.add_action, w.edit_action, w.rotate_action, w.delete_action, w.copy_secret_action):
        assert not action.isEnabled()
    assert w.add_action.toolTip() == "Only team admins manage service accounts."
    assert "viewer" in w.user_label.text()


def test_a_401_mid_session_asks_to_sign_in_again(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    fresh = sb.store.reset_user_keys(sb.store.owner()["id"])  # the admin's pair was rotated elsewhere
    desk.refresh()
    dialog = gui.run(until(lambda: dialog_of(desk, SignInDialog), what="sign-in after 401"))
    assert dialog_error_text(dialog).startswith("The key and secret were not accepted")
    qtbot.keyClicks(dialog.key, fresh["key"])
    qtbot.keyClicks(dialog.secret, fresh["secret"])
    desk.window.filter_edit.setText("ci")
    click(qtbot, dialog.ok)
    gui.run(until(lambda: not dialog.isVisible(), what="signed in again"))
    assert desk.window.filter_edit.text() == "ci" and desk.accounts.rowCount() == 6  # carried on


def dialog_error_text(dialog) -> str:
    from PySide6.QtWidgets import QLabel

    return dialog.content.findChild(QLabel, "errorLabel").text()


def test_layout_is_remembered_and_holds_no_secret(gui):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    desk.window.splitter.setSizes([200, 500])
    desk.window.accounts_view.horizontalHeader().resizeSection(0, 311)
    desk.window.close()
    gui.run(until(desk.closed.is_set))
    again = gui.start(gui.desk(sb))
    assert again.window.accounts_view.horizontalHeader().sectionSize(0) == 311
    text = (gui.tmp / "settings.ini").read_text("latin-1")
    assert sb.key not in text and sb.secret not in text and "geometry" in text


def test_slow_server_keeps_the_window_responsive(gui):
    sb = asgi_sandbox(faults=Faults(latency_ms=400))
    desk = gui.desk(sb)
    watch = StallWatch(tick=0.01)
    gui.run(asyncio.gather(desk.start(), watch.run(stop=desk.loaded)))
    assert desk.window.busy_bar.isVisible() == desk.runner.busy  # the busy mark follows the work
    assert watch.longest < 0.2, f"the event loop stalled for {watch.longest:.3f}s"


@pytest.mark.parametrize("kind", ["accounts", "tests"])
def test_models_pass_qt_model_tester(gui, qtmodeltester, kind):
    desk = gui.start(gui.desk(asgi_sandbox()))

    async def check() -> None:  # fetchMore starts a page load: run the checks on the live loop
        qtmodeltester.check(desk.accounts if kind == "accounts" else desk.tests)
        qtmodeltester.check(desk.accounts_proxy if kind == "accounts" else desk.tests_proxy)
        await until(lambda: not desk.runner.running("more"))

    gui.run(check())


def test_client_is_closed_on_quit(gui):
    desk = gui.start(gui.desk(asgi_sandbox()))
    client: TestingBotClient = desk.client
    desk.window.close()
    gui.run(until(desk.closed.is_set))
    assert client.is_closed and not desk.runner.busy


def test_credentials_type_never_shows_values():
    assert "abc" not in repr(Credentials("abcdefgh", "abcdefgh"))


def test_changes_elsewhere_are_reconciled_with_a_notice(gui):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci, nightly, visual = (row_of(desk, n) for n in ("ci-runner", "nightly-regression", "visual-diff"))
    sb.store.rename_service_account(ci.id, "ci-runner-v2")  # another admin, elsewhere
    sb.store.rotate_service_account(nightly.id)
    sb.store.delete_service_account(visual.id)
    desk.refresh()
    gui.run(until(lambda: not desk.runner.running("refresh")))
    notice = desk.messages.history[-1][1]
    assert notice == "Changed elsewhere since the last refresh: 1 renamed, 1 rotated, 1 deleted."
    assert row_of(desk, "ci-runner-v2") and row_of(desk, "visual-diff") is None
    assert row_of(desk, "nightly-regression").key == sb.store.service_account(nightly.id)["key"]


def test_a_stale_row_that_was_deleted_elsewhere_is_removed_with_a_notice(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    ci = row_of(desk, "ci-runner")
    sb.store.delete_service_account(ci.id)
    desk.select_account(ci.id)
    desk.window.reveal_secret_action.trigger()
    gui.run(until(lambda: row_of(desk, "ci-runner") is None, what="stale row removed"))
    assert "no longer exists" in desk.messages.history[-1][1]


def test_a_key_column_widened_by_the_admin_keeps_its_width_across_refreshes_reveals_and_starts(gui, qtbot):
    """QA18: the next refresh (every 30 s) put the Key column back to the mask's width, and so did the first rows
    of the next start, after its first frame had shown the admin's width."""
    from PySide6.QtWidgets import QApplication

    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = desk.window
    header = w.accounts_view.horizontalHeader()
    wide = header.sectionSize(AccountCol.KEY) + 90
    header.resizeSection(AccountCol.KEY, wide)  # the admin drags the border
    desk.window.refresh_action.trigger()
    gui.run(until(lambda: not desk.runner.running("refresh"), what="refreshed"))
    assert header.sectionSize(AccountCol.KEY) == wide
    ci = row_of(desk, "ci-runner")
    click(qtbot, w.accounts_view.viewport(), cell_center(desk, ci.id, AccountCol.IDENTIFIER))
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    gui.run(until(lambda: desk.accounts.is_revealed(ci.id, AccountCol.KEY), what="key revealed"))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    gui.run(until(lambda: not desk.accounts.any_revealed(), what="hidden"))
    assert header.sectionSize(AccountCol.KEY) == wide
    # Quitting with it revealed (widened to the key) remembers the admin's width, not the revealed one (QA19).
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_B, shift_ctrl)
    gui.run(until(lambda: header.sectionSize(AccountCol.KEY) > wide, what="widened to the key"))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    gui.run(until(desk.closed.is_set))
    again = gui.start(gui.desk(sb))
    gui.run(until(lambda: again.accounts.rowCount() > 0, what="rows"))
    assert again.window.accounts_view.horizontalHeader().sectionSize(AccountCol.KEY) == wide
