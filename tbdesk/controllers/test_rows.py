"""The tests table's rows: details on Enter or a double-click, and the row menu (Shift+F10, the Menu key, a
right-click) with Copy session id, Open in TestingBot and Only tests by the starter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from ..api import schema as s
from ..api.models import Test
from ..core import test_page
from ..core.activity import who_of
from ..gui import plain
from ..gui.dialogs import TestDetailsDialog
from ..gui.models import ROW_ROLE
from ..gui.started_by import StartedByFilter
from .presenter import SELECT_ROW
from .session import Session
from .shared import Shared


class TestRows(QObject):
    def __init__(
        self, shared: Shared, session: Session, started_by: StartedByFilter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.window, self.messages, self.tests_proxy = shared.window, shared.messages, shared.tests_proxy
        self.session = session
        self.started_by = started_by

    def on_testingbot(self) -> bool:
        """Signed in to TestingBot itself: its tests have dashboard pages (a sandbox's have none)."""
        return urlsplit(self.session.api_url).hostname == urlsplit(s.DEFAULT_API_URL).hostname

    def current_test(self) -> Test | None:
        index = self.window.tests_view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def tests_context_menu(self, pos: Any) -> None:
        view = self.window.tests_view
        index = view.indexAt(pos)
        if index.isValid():
            view.selectionModel().setCurrentIndex(index, SELECT_ROW)
            self._tests_menu(view.viewport().mapToGlobal(pos), keyboard=False)

    def tests_keyboard_menu(self) -> None:
        """Shift+F10 or the Menu key in the tests table: the current test's menu below its row."""
        view = self.window.tests_view
        index = view.currentIndex()
        if not index.isValid():
            if self.tests_proxy.rowCount() == 0:
                self.messages.info("Shift+F10: no test to act on.")
                return
            index = self.tests_proxy.index(0, 0)
            view.selectionModel().setCurrentIndex(index, SELECT_ROW)
        view.scrollTo(index)
        rect = view.visualRect(index.siblingAtColumn(0))
        self._tests_menu(view.viewport().mapToGlobal(rect.bottomLeft()), keyboard=True)

    def _tests_menu(self, global_pos: Any, keyboard: bool) -> None:
        test = self.current_test()
        if test is None:
            return
        self.window.open_test_action.setEnabled(self.on_testingbot())
        starter = None
        if test.started_by is not None and who_of(test) is not None:
            starter = test.started_by.label
        self.window.popup_tests_menu(global_pos, keyboard, starter)

    def copy_session_id(self) -> None:
        test = self.current_test()
        if test is not None:  # a session id is not a credential: a plain copy, no timeout
            QGuiApplication.clipboard().setText(test.session_id)
            self.messages.info(f"Session id of “{plain.short(test.name or test.session_id)}” copied.")

    def open_test_page(self) -> None:
        test = self.current_test()
        if test is not None and self.on_testingbot():
            QDesktopServices.openUrl(QUrl(test_page.dashboard_url(test)))

    def only_tests_by_starter(self) -> None:
        test = self.current_test()
        who = who_of(test) if test is not None else None
        if who is not None:
            self.started_by.show(who)

    def open_test(self, index: QModelIndex) -> None:
        if not index.isValid():  # View → Test details with no test picked: say so, not nothing (QA18)
            self.messages.info("Test details: select a test in Recent tests first.")
        elif index.model() is self.tests_proxy:
            test = index.data(ROW_ROLE)
            if test is not None:
                details = TestDetailsDialog(self.window, test, self.on_testingbot())
                details.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                details.open()
