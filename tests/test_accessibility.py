"""Usable with a screen reader and the keyboard alone (#17): names in Qt's accessibility tree, Tab order,
keyboard row actions and spoken announcements, driven with real key presses on the real window."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMenu, QWidget

from tbdesk.gui.dialogs import ErrorReportDialog, IdentifierDialog
from tbdesk.gui.models import ROW_ROLE, AccountCol, TestCol

from helpers.a11y import Node, unnamed, walk
from helpers.gui import row_of, until
from helpers.sandbox import asgi_sandbox

# The offscreen platform cannot raise a window or grab the keyboard for a popup menu; it says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def _focused(desk: Any) -> QWidget:
    w = desk.window
    w.show()
    w.activateWindow()
    return w


def focus(gui: Any, widget: QWidget) -> None:
    """Back in the window after a dialog closed (the offscreen platform does not hand activation back)."""
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    gui.run(until(lambda: QApplication.focusWidget() is widget, what=f"focus on {widget.objectName()}"))


def key(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press as the user makes it: to the open popup menu if there is one, else the focused widget."""
    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def open_dialog(gui: Any, what: str) -> QDialog:
    def visible() -> QDialog | None:
        found = [d for d in QApplication.topLevelWidgets() if isinstance(d, QDialog) and d.isVisible()]
        return found[-1] if found else None

    return gui.run(until(visible, what=what))


def close_dialogs() -> None:
    for d in QApplication.topLevelWidgets():
        if isinstance(d, QDialog) and d.isVisible():
            d.done(0)


# -- names ---------------------------------------------------------------------------------------


def test_every_actionable_object_in_the_window_has_a_name(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    _focused(desk)
    no_tab_traps(desk.window)
    nodes = list(walk(desk.window))
    assert not unnamed(nodes), "unnamed focusable or actionable objects:\n" + "\n".join(unnamed(nodes))
    named = {n.name for n in nodes}
    # The tables and the toolbar's actions by name, the "…" column's header, the filter's search mark.
    assert {"Service accounts", "Recent tests", "Add", "Rename", "Rotate access key", "Delete", "Refresh"} <= named
    assert "Actions" in {n.name for n in nodes if n.role.name == "ColumnHeader"}
    assert "Filter service accounts" in {n.name for n in nodes if n.role.name == "Button"}
    # The Activity tab, reached from the keyboard: the tab bar, then Right.
    tabs = desk.window.lower_tabs
    focus(gui, tabs.tabBar())
    key(qtbot, Qt.Key.Key_Right)
    assert tabs.currentWidget() is desk.window.activity_tab
    nodes = list(walk(desk.window))
    assert not unnamed(nodes), "unnamed in the Activity tab:\n" + "\n".join(unnamed(nodes))


def test_a_members_window_is_named_too(gui):
    sb = asgi_sandbox()
    member = sb.store.reset_user_keys(next(r["id"] for r in sb.store.sub_accounts(0, 10)[0] if r["role"] == "member"))
    desk = gui.start(gui.desk(sb, key=member["key"], secret=member["secret"]))
    _focused(desk)
    nodes = list(walk(desk.window))
    assert not unnamed(nodes), "unnamed in a member's window:\n" + "\n".join(unnamed(nodes))
    no_tab_traps(desk.window)


def test_cells_say_what_icons_and_italics_show(gui):
    desk = gui.start(gui.desk(asgi_sandbox()))
    model = desk.tests
    while model.canFetchMore():  # every page: the deleted account's tests are few
        model.fetchMore()
        gui.run(until(lambda: not model.fetching, what="a page of tests"))
    started = {model.index(r, TestCol.STARTED_BY).data(Qt.ItemDataRole.AccessibleTextRole) for r in range(300)}
    assert "Mei Tanaka, team member" in started
    assert "ci-old, service account (deleted)" in started
    assert "ci-runner, service account" in started
    assert "Enter" in model.index(0, TestCol.NAME).data(Qt.ItemDataRole.AccessibleDescriptionRole)
    # The key and secret cells: what they are, and the keys that reveal and copy them.
    ci = row_of(desk, "ci-runner")
    row = desk.accounts.row_of(ci.id)
    key_cell = desk.accounts.index(row, AccountCol.KEY)
    secret_cell = desk.accounts.index(row, AccountCol.SECRET)
    assert key_cell.data(Qt.ItemDataRole.AccessibleTextRole) == "Key hidden"
    assert "Key of ci-runner" in key_cell.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    for shortcut in ("Ctrl+Shift+B", "Ctrl+B", "Shift+F10"):
        assert shortcut in key_cell.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    for shortcut in ("Ctrl+Shift+C", "Ctrl+C"):
        assert shortcut in secret_cell.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    # …and through Qt's accessibility tree, as the platform bridge reads it.
    cells = [n for n in walk(desk.window.accounts_view) if n.role.name == "Cell"]
    described = [n for n in cells if n.name == "Key hidden"]
    assert described and "Ctrl+B" in described[0].description


def no_tab_traps(root: QWidget) -> None:
    """Tab must leave every table and list: none may use it to move between cells."""
    traps = [v.objectName() or type(v).__name__ for v in root.findChildren(QAbstractItemView) if v.tabKeyNavigation()]
    assert not traps, f"Tab walks cell by cell in {traps}"


def _check_dialog(dialog: QDialog) -> list[Node]:
    no_tab_traps(dialog)
    nodes = list(walk(dialog))
    assert not unnamed(nodes), f"{dialog.windowTitle()}: unnamed objects:\n" + "\n".join(unnamed(nodes))
    assert nodes[0].name == dialog.windowTitle()
    return nodes


def test_every_dialog_names_its_fields(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = _focused(desk)
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    seen = []

    # Add: the field's description is the hint under it (the rules before anything is typed).
    key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(gui, "Add dialog")
    assert isinstance(dialog, IdentifierDialog)
    nodes = _check_dialog(dialog)
    field = next(n for n in nodes if n.object_name == "identifierEdit")
    assert field.name == "Identifier" and "3 to 100 characters" in field.description
    qtbot.keyClicks(dialog.edit, "ab")
    field = next(n for n in walk(dialog) if n.object_name == "identifierEdit")
    assert field.description == dialog.hint.text() and "at least 3" in field.description
    seen.append(dialog.windowTitle())
    key(qtbot, Qt.Key.Key_Escape)

    # Delete: the field is named by its label, which says what to type.
    focus(gui, w.accounts_view)
    key(qtbot, Qt.Key.Key_Delete)
    dialog = open_dialog(gui, "Delete dialog")
    nodes = _check_dialog(dialog)
    field = next(n for n in nodes if n.object_name == "confirmEdit")
    assert field.name == "Type ci-runner to confirm:"
    seen.append(dialog.windowTitle())
    key(qtbot, Qt.Key.Key_Escape)

    for shortcut, what in (
        ((Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier), "Rename"),
        ((Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier), "Rotate"),
        ((Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier), "Preferences"),
    ):
        focus(gui, w.accounts_view)
        key(qtbot, *shortcut)
        dialog = open_dialog(gui, what)
        _check_dialog(dialog)
        seen.append(dialog.windowTitle())
        close_dialogs()
        gui.run(until(lambda: not desk.runner.running("action"), what=f"{what} closed"))

    # Hand-over panel (from the row menu), bulk rotation (several selected), test details (Enter).
    w.handover_action.trigger()
    dialog = open_dialog(gui, "hand-over panel")
    _check_dialog(dialog)
    seen.append(dialog.windowTitle())
    close_dialogs()
    focus(gui, w.accounts_view)
    w.accounts_view.selectAll()
    key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(gui, "bulk rotation")
    _check_dialog(dialog)
    seen.append(dialog.windowTitle())
    close_dialogs()
    gui.run(until(lambda: not desk.runner.running("action"), what="bulk rotation closed"))
    focus(gui, w.tests_view)
    w.tests_view.setCurrentIndex(desk.tests_proxy.index(0, 0))
    key(qtbot, Qt.Key.Key_Return)
    dialog = open_dialog(gui, "test details")
    _check_dialog(dialog)
    focus(gui, dialog.all_fields)
    key(qtbot, Qt.Key.Key_Space)  # every raw field, in a table
    nodes = _check_dialog(dialog)
    assert "Fields of the test" in {n.name for n in nodes if n.role.name == "Table"}
    seen.append(dialog.windowTitle())
    close_dialogs()

    focus(gui, w.accounts_view)
    key(qtbot, Qt.Key.Key_F1)
    dialog = open_dialog(gui, "keyboard shortcuts")
    _check_dialog(dialog)
    seen.append(dialog.windowTitle())
    close_dialogs()

    report = ErrorReportDialog(w, "Something failed.", "Traceback …")
    report.show()
    _check_dialog(report)
    report.close()
    assert len(seen) == 9, seen


def test_sign_in_dialog_is_named(gui):
    desk = gui.desk(asgi_sandbox(), key=False)
    task = gui.loop.create_task(desk.start())
    dialog = gui.run(until(lambda: desk.dialog if desk.dialog and desk.dialog.isVisible() else None))
    nodes = _check_dialog(dialog)
    assert "Show the secret" in {n.name for n in nodes}
    dialog.reject()
    gui.run(task)


# -- the keyboard --------------------------------------------------------------------------------


def test_tab_leaves_every_table_and_comes_back(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    w = _focused(desk)
    w.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
    gui.run(until(lambda: QApplication.focusWidget() is w.filter_edit, what="focus in the filter"))
    order: list[QWidget] = []
    for _ in range(20):
        key(qtbot, Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
        if order[-1] is w.filter_edit:
            break
    names = [x.objectName() or type(x).__name__ for x in order]
    assert order[-1] is w.filter_edit, f"Tab never came back to the filter: {names}"
    assert w.accounts_view in order and w.tests_view in order and w.started_by in order, names
    # Top to bottom: the accounts, then the tests' filters, then the tests they filter.
    at = {widget: i for i, widget in enumerate(order)}
    assert at[w.accounts_view] < at[w.started_by] < at[w.tests_view], names
    assert at[w.accounts_view] < at[w.test_name_edit] < at[w.tests_view], names
    assert len(order) == len(set(order)), f"Tab stopped twice somewhere: {names}"
    # Shift+Tab walks the same regions backwards.
    back: list[QWidget] = []
    for _ in range(len(order)):
        key(qtbot, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        back.append(QApplication.focusWidget())
    assert back == [*reversed(order[:-1]), w.filter_edit]


def test_arrows_move_within_a_table_and_tab_leaves_the_details(gui, qtbot):
    desk = gui.start(gui.desk(asgi_sandbox()))
    w = _focused(desk)
    view = w.accounts_view
    view.setFocus()
    view.setCurrentIndex(desk.accounts_proxy.index(0, AccountCol.IDENTIFIER))
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Right)
    header = view.horizontalHeader()
    beside = header.logicalIndex(header.visualIndex(AccountCol.IDENTIFIER) + 1)  # the next column as shown
    assert (view.currentIndex().row(), view.currentIndex().column()) == (1, beside)
    assert QApplication.focusWidget() is view
    # The test details' table: Tab goes on to Close instead of walking the fields.
    w.tests_view.setFocus()
    w.tests_view.setCurrentIndex(desk.tests_proxy.index(0, 0))
    key(qtbot, Qt.Key.Key_Return)
    dialog = open_dialog(gui, "test details")
    focus(gui, dialog.all_fields)
    key(qtbot, Qt.Key.Key_Space)
    dialog.table.setFocus()
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not dialog.table
    dialog.close()


def _menu() -> QMenu | None:
    popup = QApplication.activePopupWidget()
    return popup if isinstance(popup, QMenu) and popup.isVisible() else None


def test_shift_f10_and_the_menu_key_open_the_row_menu_on_its_first_item(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = _focused(desk)
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    key(qtbot, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = gui.run(until(_menu, what="row menu from Shift+F10"))
    assert menu.activeAction() is w.edit_action  # the first item has the focus
    key(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: _menu() is None, what="menu closed"))
    assert QApplication.focusWidget() is w.accounts_view
    # The Menu key, then down to "Copy key" and Enter: the row's key is on the clipboard.
    key(qtbot, Qt.Key.Key_Menu)
    menu = gui.run(until(_menu, what="row menu from the Menu key"))
    assert menu.activeAction() is w.edit_action
    while menu.activeAction() is not w.copy_key_action:
        key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: QGuiApplication.clipboard().text() == pair["key"], what="key copied from the menu"))
    # Every row action is in that menu.
    wanted = {
        w.edit_action,
        w.rotate_action,
        w.delete_action,
        w.copy_key_action,
        w.copy_secret_action,
        w.copy_env_action,
        w.copy_hub_action,
        w.reveal_key_action,
        w.reveal_secret_action,
    }
    assert wanted <= set(w.row_menu().actions())


def test_space_and_enter_work_the_painted_buttons(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb))
    w = _focused(desk)
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    view = w.accounts_view
    view.setFocus()
    row = view.currentIndex().row()
    view.setCurrentIndex(desk.accounts_proxy.index(row, AccountCol.KEY))
    key(qtbot, Qt.Key.Key_Space)  # the eye
    key_cell = desk.accounts_proxy.index(row, AccountCol.KEY)
    assert key_cell.data() == pair["key"]
    key(qtbot, Qt.Key.Key_Space)
    assert key_cell.data() == "•" * 12
    key(qtbot, Qt.Key.Key_End)  # the "…" cell at the end of the row
    assert view.currentIndex().column() == AccountCol.MORE
    key(qtbot, Qt.Key.Key_Return)
    menu = gui.run(until(_menu, what="row menu from the … cell"))
    assert menu.activeAction() is w.edit_action
    key(qtbot, Qt.Key.Key_Escape)


# -- announcements -------------------------------------------------------------------------------


def test_reveal_copy_clear_and_errors_are_announced_once_each(gui, qtbot):
    sb = asgi_sandbox()
    desk = gui.start(gui.desk(sb, clipboard_timeout=2, reveal_timeout=1))
    w = _focused(desk)
    said: list[tuple[str, bool]] = []
    desk.announcer.announced.connect(lambda text, assertive: said.append((text, assertive)))
    ci = row_of(desk, "ci-runner")
    pair = sb.store.service_account(ci.id)
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    key(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # the secret: fetched, then copied
    gui.run(until(lambda: any("cleared" in t for t, _ in said), timeout=10, what="clipboard cleared"))
    assert [t for t, _ in said] == [
        "Key of “ci-runner” shown in its cell.",
        "Key of “ci-runner” hidden.",
        "Secret of “ci-runner” copied; the clipboard clears in 2 seconds.",
        "Clipboard cleared (Secret of “ci-runner”).",
    ]  # one each: not one per second of the countdown
    # An error is announced once, assertively. The account is deleted elsewhere, then revealed here.
    other = row_of(desk, "nightly-regression")
    sb.store.delete_service_account(other.id)
    desk.select_account(other.id)
    said.clear()
    key(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    gui.run(until(lambda: said, what="the failure announced"))
    assert said == [("“nightly-regression” no longer exists; another admin deleted it.", False)]
    assert not any(pair["key"] in t or pair["secret"] in t for t in desk.announcer.history)
    # A revealed value hides itself after the reveal timeout: said once, whatever was revealed.
    desk.select_account(ci.id)
    said.clear()
    key(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    gui.run(until(lambda: len(said) == 2, timeout=5, what="hidden again"))
    assert [t for t, _ in said] == [
        "Key of “ci-runner” shown in its cell.",
        "Revealed keys and secrets are hidden again.",
    ]


class RefusedPages(httpx.AsyncBaseTransport):
    """The sandbox, refusing further pages of tests once `refuse` is set."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.refuse = inner, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refuse and request.url.path.endswith("/tests") and request.url.params.get("offset", "0") != "0":
            return httpx.Response(400, json={"message": "Page refused."})
        return await self.inner.handle_async_request(request)


def test_an_error_is_announced_once_and_interrupts(gui, qtbot):
    sb = asgi_sandbox()
    transport = RefusedPages(sb.transport)
    desk = gui.start(gui.desk(sb, transport=transport))
    gui.run(until(lambda: desk.accounts.usage_loaded, what="usage loaded"))  # its own pages are done
    said: list[tuple[str, bool]] = []
    desk.announcer.announced.connect(lambda text, assertive: said.append((text, assertive)))
    transport.refuse = True
    view = _focused(desk).tests_view
    focus(gui, view)
    key(qtbot, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)  # the last test: the next page is asked for
    gui.run(until(lambda: said, what="the failure announced"))
    assert len(said) == 1 and said[0][1] is True, said  # assertive: errors interrupt
    assert "Page refused." in said[0][0] and "F5" in said[0][0]
    assert said[0][0] == desk.messages.history[-1][1]  # the status bar's words, said once


class DownAfterLoad(httpx.AsyncBaseTransport):
    """The sandbox, unreachable for polling once `down` is set (a laptop leaving the network)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.down = inner, False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and "since" in request.url.params:
            return httpx.Response(400, json={"message": "Polling refused."})
        return await self.inner.handle_async_request(request)


def test_a_repeating_error_is_said_once_not_at_every_poll(gui):
    sb = asgi_sandbox()
    transport = DownAfterLoad(sb.transport)
    desk = gui.start(gui.desk(sb, transport=transport, poll_interval=0.1))
    said: list[str] = []
    desk.announcer.announced.connect(lambda text, _assertive: said.append(text))
    transport.down = True

    def failed() -> list[str]:
        return [t for level, t in desk.messages.history if level == "error" and "Polling refused" in t]

    gui.run(until(lambda: len(failed()) >= 3, what="three failed polls"))
    assert len([t for t in said if "Polling refused" in t]) == 1, said  # shown three times, said once


def test_the_menu_key_on_the_more_cell_opens_exactly_one_menu_and_escape_closes_it(gui, qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    desk = gui.start(gui.desk(asgi_sandbox()))
    w = _focused(desk)
    ci = row_of(desk, "ci-runner")
    desk.select_account(ci.id)
    w.accounts_view.setFocus()
    for _ in range(10):  # to the "…" cell, as the tester did
        key(qtbot, Qt.Key.Key_Right)
    assert w.accounts_view.currentIndex().column() == AccountCol.MORE

    def open_menus() -> list[QMenu]:
        return [m for m in w.findChildren(QMenu) if m.isVisible() and m.parent() is w]  # not the menu bar's

    for pressed, mods in (
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ):
        focused = QApplication.focusWidget()
        key(qtbot, pressed, mods)
        # What Qt's xcb platform adds to a real Menu key press (QXcbKeyboard): a keyboard context-menu event
        # for the focused widget, at the mouse pointer.
        QApplication.sendEvent(
            focused,
            QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(5, 5), focused.mapToGlobal(QPoint(5, 5))),
        )
        gui.run(until(_menu, what="row menu"))
        assert len(open_menus()) == 1, "one key press, one menu"
        key(qtbot, Qt.Key.Key_Escape)
        gui.run(until(lambda: _menu() is None, what="menu closed"))
        assert open_menus() == [] and QApplication.focusWidget() is w.accounts_view


def test_the_tests_table_has_a_row_menu_from_shift_f10_the_menu_key_and_a_right_click(gui, qtbot):
    from PySide6.QtGui import QContextMenuEvent

    desk = gui.start(gui.desk(asgi_sandbox()))
    w = _focused(desk)
    view = w.tests_view
    proxy = desk.tests_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data(ROW_ROLE).started_by is not None)
    test = proxy.index(row, 0).data(ROW_ROLE)
    view.scrollTo(proxy.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(proxy.index(row, 0)).center())
    assert QApplication.focusWidget() is view
    # Shift+F10: Details first, and Enter on "Copy session id" copies it.
    key(qtbot, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = gui.run(until(_menu, what="test menu from Shift+F10"))
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:3] == ["Test details", "Copy session id", "Open in TestingBot"]
    assert texts[3] == f"Only tests by {test.started_by.label}"
    assert menu.activeAction() is w.details_action
    assert not w.open_test_action.isEnabled()  # a sandbox test has no dashboard page
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    gui.run(until(lambda: QGuiApplication.clipboard().text() == test.session_id, what="session id copied"))
    # The Menu key (with the keyboard context-menu event xcb adds): one menu; its last item filters the tests.
    key(qtbot, Qt.Key.Key_Menu)
    QApplication.sendEvent(
        view,
        QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, view.rect().center(), view.mapToGlobal(view.rect().center())
        ),
    )
    menu = gui.run(until(_menu, what="test menu from the Menu key"))
    assert len([m for m in w.findChildren(QMenu) if m.isVisible() and m.parent() is w]) == 1
    key(qtbot, Qt.Key.Key_T)  # its letter: "Only &tests by …" (QA18: it had none)
    gui.run(until(lambda: proxy.rowCount() < desk.tests.rowCount(), what="only the starter's tests"))
    starters = {proxy.index(r, 0).data(ROW_ROLE).started_by.label for r in range(proxy.rowCount())}
    assert starters == {test.started_by.label}
    # A right-click on a row: the same menu, for that row.
    index = proxy.index(proxy.rowCount() - 1, 0)
    view.scrollTo(index)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(
        view.viewport(), QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    )
    menu = gui.run(until(_menu, what="test menu from a right-click"))
    assert view.currentIndex().row() == index.row() and w.details_action in menu.actions()
    key(qtbot, Qt.Key.Key_Escape)
    gui.run(until(lambda: _menu() is None, what="menu closed"))
