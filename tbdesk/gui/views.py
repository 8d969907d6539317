"""The tables' columns, delegates and filters, set up once: what the first frame needs to look real.

Pure view set-up (no API, no asyncio), so __main__ can paint the window before the client is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from . import sizes
from .delegates import CredentialDelegate, MoreDelegate
from .first_frame import load_window
from .models import AccountCol, AccountsModel, TestCol, TestsModel, TestsProxy
from .searchable import make_searchable
from .shown_accounts import SHOW_CHOICES, AccountsProxy
from .sort_menu import keep_current_in_view
from .sparkline import SparklineDelegate
from .started_by import StartedByFilter
from .test_filters import TestFilters
from .window import MainWindow
from .window_setup import finish


def account_widths(view: QTableView) -> dict[int, int]:
    w = sizes.text_width
    return {
        AccountCol.IDENTIFIER: w(view, ("nightly-regression",)),
        AccountCol.KEY: sizes.mask_width(view),
        AccountCol.SECRET: sizes.mask_width(view),
        AccountCol.CREATED: w(view, ("2026-12-31",)),
        AccountCol.KEY_AGE: w(view, ("365 days",), icon=True),
        AccountCol.LAST_TEST: max(
            sizes.cell_width(view, AccountsModel.LAST_TEST_MARKED, icon=True),
            sizes.cell_width(view, AccountsModel.LAST_TEST_PLAIN),
        ),
        AccountCol.TESTS_7D: w(view, ("Tests (7 days)",)),
        AccountCol.ACTIVITY: 110,
    }


def test_widths(view: QTableView) -> dict[int, int]:
    w = sizes.text_width
    return {
        TestCol.NAME: w(view, ("checkout: pays with a saved card",)),
        TestCol.STATUS: w(view, ("running",), icon=True),
        TestCol.BROWSER: w(view, ("Microsoft Edge 130",)),
        TestCol.PLATFORM: w(view, ("macOS 15 Sequoia",)),
        # A deleted account reads "jenkins-mobile (deleted)" (grey italics): room for the word, not "(de…".
        TestCol.STARTED_BY: w(view, ("nightly-regression (deleted)",), icon=True),
        TestCol.BUILD: w(view, ("build-1234",)),
        TestCol.CREATED: w(view, ("2026-12-31 23:59",)),
        TestCol.DURATION: w(view, ("12:34",)),
    }


@dataclass(frozen=True)
class Views:
    cred_delegate: CredentialDelegate
    more_delegate: MoreDelegate
    spark_delegate: SparklineDelegate
    started_by: StartedByFilter
    tests: TestFilters  # result, build and name filters


def set_up_views(
    window: MainWindow, accounts: AccountsModel, accounts_proxy: AccountsProxy, tests_proxy: TestsProxy, parent: QObject
) -> Views:
    w = window
    view = w.accounts_view
    for table, model in ((view, accounts_proxy), (w.tests_view, tests_proxy)):
        stand_in = table.model()  # the first frame's (gui/first_frame.py): column titles only
        table.setModel(model)
        if stand_in is not None:
            stand_in.deleteLater()
    view.setSortingEnabled(True)
    view.sortByColumn(AccountCol.IDENTIFIER, Qt.SortOrder.AscendingOrder)
    cred_delegate = CredentialDelegate(view)
    for col in (AccountCol.KEY, AccountCol.SECRET):
        view.setItemDelegateForColumn(col, cred_delegate)
    more_delegate = MoreDelegate(view)
    view.setItemDelegateForColumn(AccountCol.MORE, more_delegate)
    spark_delegate = SparklineDelegate(view)
    view.setItemDelegateForColumn(AccountCol.ACTIVITY, spark_delegate)
    header = view.horizontalHeader()
    sizes.apply_widths(view, account_widths(view), stretch=AccountCol.IDENTIFIER)
    header.moveSection(header.visualIndex(AccountCol.ACTIVITY), 1)  # beside the name: busy or idle at a glance
    header.setSectionResizeMode(AccountCol.MORE, QHeaderView.ResizeMode.Fixed)
    header.resizeSection(AccountCol.MORE, 34)
    revealed_fit = sizes.RevealedFit(view, accounts, accounts.revealed_values)
    for col in (AccountCol.KEY, AccountCol.SECRET):
        revealed_fit.add(col)
    tests = w.tests_view
    sizes.apply_widths(tests, test_widths(tests), stretch=TestCol.NAME)
    # Any column sorts (the proxy compares SORT_ROLE values); newest first until the admin picks one.
    tests.setSortingEnabled(True)
    tests.sortByColumn(TestCol.CREATED, Qt.SortOrder.DescendingOrder)
    for table in (view, tests):
        keep_current_in_view(table)
        # Cut in the middle, as plain.short does: names alike differ at their end ("…-eu-west-1"; QA16).
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    # A team's 1,000 accounts and every build seen: searchable lists.
    make_searchable(w.started_by, "Search who started the tests")
    make_searchable(w.build_combo, "Search the builds")
    for text, value in SHOW_CHOICES:
        w.show_combo.addItem(text, value)
    for combo in (w.result_combo, w.show_combo):
        sizes.WholeChoices(combo)
    return Views(
        cred_delegate,
        more_delegate,
        spark_delegate,
        StartedByFilter(w.started_by, tests_proxy, accounts, parent),
        TestFilters(w.result_combo, w.build_combo, w.test_name_edit, tests_proxy, parent),
    )


class Shell(QObject):
    """The window with its models and views, before any controller exists (see __main__). `window`: the one
    start-up painted first (gui/first_frame.py), else one is made here."""

    def __init__(self, settings: QSettings, window: MainWindow | None = None) -> None:
        super().__init__()
        if window is None:
            window = load_window(settings)
        finish(window)
        self.window = window
        self.accounts = AccountsModel(self)
        self.accounts_proxy = AccountsProxy(self)
        self.accounts_proxy.setSourceModel(self.accounts)
        self.tests = TestsModel(self)
        self.tests_proxy = TestsProxy(self)
        self.tests_proxy.setSourceModel(self.tests)
        self.views = set_up_views(self.window, self.accounts, self.accounts_proxy, self.tests_proxy, self)
        window.restore_headers()  # the real models reset them
