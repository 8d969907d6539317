"""The composition root: builds the window, the models and the controllers, and wires their signals.

Behaviour lives in tbdesk/controllers (one role per module) and Qt-free logic in tbdesk/core; this file
only decides who talks to whom. See docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QDialog

from .api.client import TestingBotClient
from .api.models import ServiceAccount
from .controllers.actions import AccountActions
from .controllers.activity import Activity
from .controllers.export import TestsExport
from .controllers.kept_selection import KeptSelection
from .controllers.lifecycle import CredentialLifecycle
from .controllers.navigation import Navigation
from .controllers.open_dialog import OpenDialog
from .controllers.preferences import PreferencesControl
from .controllers.presenter import Presenter
from .controllers.profiles import Profiles
from .controllers.reveal import CredentialDisplay
from .controllers.session import Session
from .controllers.shared import Shared
from .controllers.shutdown import QuitKeys, Shutdown
from .controllers.sync import Sync
from .controllers.tasks import TaskRunner
from .controllers.test_rows import TestRows
from .credentials import CredentialStore
from .gui import warm_up
from .gui.announce import Announcer
from .gui.clipboard import ClipboardGuard
from .gui.messages import MessageBridge
from .gui.models import AccountCol
from .gui.screenlock import ScreenLockWatcher
from .gui.views import Shell
from .options import Options

if TYPE_CHECKING:
    from .startup import AheadReader

__all__ = ["Options", "TbDesk"]


class TbDesk(QObject):
    def __init__(
        self,
        options: Options,
        store: CredentialStore,
        settings: QSettings,
        clipboard: QClipboard | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        shell: Shell | None = None,
        ahead: AheadReader | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        shell = shell or Shell(settings)  # __main__ builds and paints it first
        shell.setParent(self)
        self.window = shell.window
        self.messages = MessageBridge(self)
        self.announcer = Announcer(self.window, self)
        self.accounts, self.accounts_proxy = shell.accounts, shell.accounts_proxy
        self.tests, self.tests_proxy = shell.tests, shell.tests_proxy
        self.clipboard = ClipboardGuard(clipboard or QGuiApplication.clipboard(), options.clipboard_timeout, self)
        self.screen_lock = ScreenLockWatcher(self)
        self.dialogs = OpenDialog()
        self.runner = TaskRunner(self.messages, self)
        models = (self.accounts, self.accounts_proxy, self.tests, self.tests_proxy)
        shared = Shared(self.window, self.messages, self.runner, self.dialogs, self.clipboard, *models)
        self.session = Session(options, store, transport, shared, self, ahead=ahead)
        self.presenter = Presenter(shared, self.session, self, views=shell.views)
        self.test_rows = TestRows(shared, self.session, self.presenter.started_by, self)
        self.sync = Sync(options, shared, self.session, self.presenter, self)
        self.actions = AccountActions(shared, self.session, self.presenter, self)
        self.credentials = CredentialDisplay(shared, self.session, options.reveal_timeout, self.actions.gone, self)
        self.lifecycle = CredentialLifecycle(shared, self.session, self.presenter, self.actions, self.credentials, self)
        timers = (self.credentials.reveal_timer, self.sync.poll_timer)
        self.preferences = PreferencesControl(options, settings, shared, *timers, self)
        self.session.user_wait = self.runner.user_wait
        self.profiles = Profiles(self.session, self.runner, store, self.window, self.messages, self.clipboard, self)
        self.kept_selection = KeptSelection(self.window.accounts_view, self.accounts_proxy, self)
        self.navigation = Navigation(shared, self.session, self.presenter, self.kept_selection, self)
        self.activity = Activity(self.runner, self.window, self.accounts, self.presenter.selected, self)
        self.export = TestsExport(self.runner, self.window, self.messages, self.tests_proxy, self)
        self.shutdown = Shutdown(shared, self.session, self.sync, self)
        self.quit_keys = QuitKeys(self.shutdown, self)
        self._wire()
        QTimer.singleShot(0, warm_up.row_icons)  # before the first rows arrive, not in their first paint

    def _wire(self) -> None:
        w, p, session, sync, rows = self.window, self.presenter, self.session, self.sync, self.test_rows
        actions, creds = self.actions, self.credentials
        self.messages.message.connect(w.show_message)
        # Screen readers: events said once (the status bar's changing text is not read aloud).
        self.messages.message.connect(self.announcer.message)
        creds.announce.connect(self.announcer.say)
        self.clipboard.copied.connect(
            lambda label, seconds: self.announcer.say(f"{label} copied; the clipboard clears in {seconds} seconds.")
        )
        self.clipboard.cleared.connect(lambda label: self.announcer.say(f"Clipboard cleared ({label})."))
        self.runner.changed.connect(p.tasks_changed)
        self.runner.auth_failed.connect(
            lambda reason: self.runner.spawn("sign-in", session.reauthenticate(reason), replace=False)
        )
        session.first_screen.connect(sync.show_first_screen)
        session.user_changed.connect(p.update_actions)
        session.stopped.connect(sync.stop_polling)
        session.signed_out.connect(sync.clear)
        session.signed_out.connect(self.activity.clear)

        # Tests from anywhere feed the filters' lists and the activity pictures.
        sync.tests_seen.connect(p.tests_seen)
        sync.tests_seen.connect(self.activity.add)
        sync.history_loaded.connect(self.activity.history_loaded)
        sync.polled.connect(self.activity.tests_polled)
        session.signed_out.connect(p.reset_view)  # no filters, selection or "Only tests by …" left over
        session.signed_out.connect(p.tests_changed)  # nothing to export while signed out

        w.accounts_view.selectionModel().selectionChanged.connect(p.selection_changed)
        w.accounts_view.selectionModel().currentChanged.connect(p.selection_changed)  # selected() falls back on it
        w.accounts_view.selectionModel().selectionChanged.connect(self.activity.selection_changed)
        w.accounts_view.selectionModel().currentChanged.connect(self.activity.selection_changed)
        w.lower_tabs.currentChanged.connect(self.activity.tab_changed)
        w.activity_panel_built.connect(self.activity.panel_built)
        w.accounts_view.customContextMenuRequested.connect(p.context_menu)
        w.accounts_view.doubleClicked.connect(lambda _i: w.edit_action.trigger())
        w.tests_view.doubleClicked.connect(rows.open_test)
        w.tests_view.activated.connect(rows.open_test)  # Enter on a row
        p.started_by.changed.connect(p.tests_changed)
        p.test_filters.changed.connect(p.tests_changed)
        p.started_by.changed.connect(p.filters_applied)
        p.test_filters.changed.connect(p.filters_applied)
        w.load_all_button.clicked.connect(lambda: self.runner.spawn("load-all", sync.load_all(), replace=False))
        w.clear_filters.clicked.connect(p.clear_test_filters)
        w.export_button.clicked.connect(self.export.export)
        w.only_selected.clicked.connect(p.filter_tests_by_selected)
        p.cred_delegate.reveal_clicked.connect(lambda i: creds.reveal(p.account_at(i), i.column()))
        p.cred_delegate.copy_clicked.connect(lambda i: creds.copy(p.account_at(i), i.column()))
        p.more_delegate.clicked.connect(p.more_menu)
        w.row_menu_action.triggered.connect(p.keyboard_menu)
        w.tests_view.customContextMenuRequested.connect(rows.tests_context_menu)
        w.tests_menu_action.triggered.connect(rows.tests_keyboard_menu)
        w.copy_session_action.triggered.connect(rows.copy_session_id)
        w.open_test_action.triggered.connect(rows.open_test_page)
        w.only_starter_action.triggered.connect(rows.only_tests_by_starter)
        p.told.connect(self.messages.info)
        w.row_keys.menu.connect(lambda i: p.more_menu(i, keyboard=True))
        w.row_keys.reveal.connect(lambda i: creds.reveal(p.account_at(i), i.column()))
        self.accounts.modelReset.connect(p.accounts_changed)
        self.accounts.dataChanged.connect(p.accounts_edited)  # a rename reaches the tests, lists and buttons
        self.accounts.dataChanged.connect(self.activity.accounts_edited)  # and the Activity tab
        self.accounts.layoutChanged.connect(self.activity.accounts_edited)
        self.accounts.rowsInserted.connect(p.accounts_changed)
        self.accounts.rowsRemoved.connect(p.accounts_changed)
        self.tests.modelReset.connect(p.tests_changed)
        self.tests.rowsInserted.connect(p.tests_changed)

        w.add_action.triggered.connect(actions.add)
        w.edit_action.triggered.connect(lambda: actions.on_selected(actions.rename_account))
        w.rotate_action.triggered.connect(self.lifecycle.rotate_selected)  # several selected: bulk
        w.delete_action.triggered.connect(lambda: actions.on_selected(actions.delete_account))
        w.refresh_action.triggered.connect(sync.refresh)
        w.copy_key_action.triggered.connect(lambda: creds.copy(p.copy_source(), AccountCol.KEY))
        w.copy_secret_action.triggered.connect(lambda: creds.copy(p.copy_source(), AccountCol.SECRET))
        w.copy_env_action.triggered.connect(lambda: creds.copy_snippet(p.selected(), "env"))
        w.copy_hub_action.triggered.connect(lambda: creds.copy_snippet(p.selected(), "hub"))
        w.reveal_key_action.triggered.connect(lambda: creds.reveal(p.selected(), AccountCol.KEY))
        w.reveal_secret_action.triggered.connect(lambda: creds.reveal(p.selected(), AccountCol.SECRET))
        w.details_action.triggered.connect(lambda: rows.open_test(w.tests_view.currentIndex()))
        w.sign_in_action.triggered.connect(self.profiles.sign_in)
        w.sign_out_action.triggered.connect(self.profiles.sign_out)
        w.profile_chosen.connect(self.profiles.switch)
        session.user_changed.connect(self.profiles.refresh_menu)
        w.about_action.triggered.connect(p.about)

        # Credential lifecycle: Show filter, leaked-key triage, hand-over, bulk rotation, preferences.
        life = self.lifecycle
        w.filter_edit.textChanged.connect(life.filter_changed)
        nav = self.navigation
        w.filter_edit.returnPressed.connect(  # Enter: rotate a pasted key's owner, else go to the matches
            lambda: life.triage_rotate() if life.triaged_account() else nav.into_results()
        )
        w.triage_rotate.clicked.connect(life.triage_rotate)
        w.triage_find.clicked.connect(life.find_owner)
        w.show_combo.currentIndexChanged.connect(life.show_changed)
        w.rotate_due_action.triggered.connect(life.rotate_due)
        w.handover_action.triggered.connect(life.handover_selected)
        actions.pair_ready.connect(life.show_handover)
        sync.usage_changed.connect(life.usage_changed)
        w.preferences_action.triggered.connect(self.preferences.open)
        self.preferences.applied.connect(life.usage_changed)

        # Focus and keys: filter box ⇄ table, the affected row after an action, shortcuts with nothing to do.
        w.filter_edit.textChanged.connect(nav.filter_changed)  # after the lifecycle filter has applied it
        w.filter_down.connect(nav.into_results)
        actions.affected.connect(nav.focus_account)
        session.first_screen.connect(nav.first_screen)  # after the rows are in (connected after sync's)
        self.accounts_proxy.rowsRemoved.connect(nav.row_removed, Qt.ConnectionType.QueuedConnection)
        kept = self.kept_selection  # the selection through filter changes
        self.accounts_proxy.layoutAboutToBeChanged.connect(kept.changing)
        self.accounts_proxy.layoutChanged.connect(kept.changed)
        w.accounts_view.selectionModel().currentChanged.connect(kept.current_changed)
        w.show_combo.currentIndexChanged.connect(kept.keep_in_view)
        self.accounts.layoutChanged.connect(kept.sorted)
        kept.dropped.connect(p.selection_changed)
        kept.dropped.connect(self.activity.selection_changed)
        w.accounts_view.selectionModel().currentChanged.connect(nav.row_removed, Qt.ConnectionType.QueuedConnection)
        w.unavailable.connect(nav.unavailable)
        w.elsewhere.connect(nav.elsewhere)

        # Revealed values hide when the window is minimised, the screen locks or the app is hidden.
        w.minimized.connect(creds.hide_all)
        w.minimized.connect(life.hide_secrets)
        self.screen_lock.locked.connect(creds.hide_all)
        self.screen_lock.locked.connect(life.hide_secrets)
        session.signed_out.connect(life.close_panel)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(p.app_state_changed)
        w.closing.connect(self.shutdown.quit)
        for action in (w.about_action, w.preferences_action, w.row_menu_action, w.tests_menu_action):
            action.setEnabled(True)  # off until now (MainWindow._until_signed_in): nothing answered them
        p.update_actions()
        self.profiles.refresh_menu()

    # -- the few entry points that __main__, the benchmark and the tests use -----------------------

    async def start(self) -> None:
        """Show the window at once; sign in and load behind it."""
        await self.session.start()

    def refresh(self) -> None:
        self.sync.refresh()

    def selected(self) -> ServiceAccount | None:
        return self.presenter.selected()

    def select_account(self, account_id: int) -> None:
        self.presenter.select_account(account_id)

    @property
    def loaded(self) -> Any:  # asyncio.Event: the first screen is shown
        return self.sync.loaded

    @property
    def closed(self) -> Any:  # asyncio.Event: everything is closed after the window was
        return self.shutdown.closed

    @property
    def client(self) -> TestingBotClient | None:
        return self.session.client

    @property
    def sandbox(self) -> Any:
        return self.session.sandbox

    @property
    def dialog(self) -> QDialog | None:
        """The sign-in or action dialog in use (or last used)."""
        return self.dialogs.current
