"""The one place that builds the window, the client and the stores, and wires their signals.

Every API call runs as an asyncio task on the qasync loop, kept in `self.tasks` under a name: a newer
refresh cancels an older one, and the busy indicator is on exactly while any task runs. Errors reach the
user through the message bridge; anything unexpected goes to sys.excepthook (the crash dialog).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMessageBox

from . import __version__
from .api import (
    ApiError,
    AuthenticationError,
    Credentials,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RetryPolicy,
    ServiceAccount,
    TestingBotClient,
    User,
)
from .api import schema as s
from .credentials import CredentialStore, KeyringUnavailable, Profile
from .gui.clipboard import ClipboardGuard
from .gui.delegates import CredentialDelegate, MoreDelegate
from .gui.dialogs import DeleteDialog, IdentifierDialog, RotateDialog, SignInDialog, TestDetailsDialog, submissions
from .gui.messages import MessageBridge
from .gui.models import (
    ROW_ROLE,
    AccountCol,
    AccountsModel,
    AccountsProxy,
    TestCol,
    TestsModel,
    TestsProxy,
    Usage,
    service_account_start,
    usage_of,
)
from .gui.screenlock import ScreenLockWatcher
from .gui.started_by import StartedByFilter
from .gui.window import READ_ONLY_TIP, MainWindow

log = logging.getLogger("tbdesk.app")
TESTS_PAGE = 100
USAGE_DAYS = 7
USAGE_MAX_PAGES = 60  # at 500 a page: the last 30,000 tests are enough to tell which keys are in use


@dataclass
class Options:
    api_url: str | None = None
    profile: str | None = None
    sandbox: bool = False
    sandbox_args: list[str] = field(default_factory=list)
    poll_interval: float = 15.0  # seconds; 4 requests a minute when idle
    reveal_timeout: int = 30  # seconds a revealed value stays visible
    clipboard_timeout: int = 30  # seconds before a copied credential is cleared
    exit_when_loaded: bool = False  # smoke tests and the cold-start benchmark
    retry: RetryPolicy | None = None  # the client's GET retry policy (tests shorten it)

    @classmethod
    def timeouts_from(cls, settings: QSettings) -> dict[str, int]:
        """The user's settings for how long revealed and copied credentials live (seconds, 5 to 600)."""
        out = {}
        for name, key in (
            ("reveal_timeout", "security/revealSeconds"),
            ("clipboard_timeout", "security/clipboardSeconds"),
        ):
            try:
                value = int(settings.value(key, 30))
            except (TypeError, ValueError):
                value = 30
            out[name] = min(max(value, 5), 600)
        return out


class TbDesk(QObject):
    def __init__(
        self,
        options: Options,
        store: CredentialStore,
        settings: QSettings,
        clipboard: QClipboard | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.store = store
        self.transport = transport
        self.window = MainWindow(settings)
        self.messages = MessageBridge(self)
        self.accounts = AccountsModel(self)
        self.accounts_proxy = AccountsProxy(self)
        self.accounts_proxy.setSourceModel(self.accounts)
        self.tests = TestsModel(self)
        self.tests_proxy = TestsProxy(self)
        self.tests_proxy.setSourceModel(self.tests)
        self.clipboard = ClipboardGuard(clipboard or QGuiApplication.clipboard(), options.clipboard_timeout, self)
        self.client: TestingBotClient | None = None
        self.user: User | None = None
        self.profile: Profile | None = None
        self.sandbox: Any = None  # a SandboxProcess with --sandbox
        self.tasks: dict[str, asyncio.Task[Any]] = {}
        self.closed = asyncio.Event()
        self.closing = False
        self.loaded = asyncio.Event()
        self._since: float | None = None  # newest updated_at seen, for polling
        self._usage_tests: dict[int, tuple[int, datetime]] = {}  # test id -> (account id, created)
        self._poll = QTimer(self)
        self._poll.setInterval(int(options.poll_interval * 1000))
        self._reveal_timer = QTimer(self)
        self._reveal_timer.setSingleShot(True)
        self._reveal_timer.setInterval(options.reveal_timeout * 1000)
        self._setup_views()
        self._wire()

    # -- construction ----------------------------------------------------------------------------

    def _setup_views(self) -> None:
        w = self.window
        view = w.accounts_view
        view.setModel(self.accounts_proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(AccountCol.IDENTIFIER, Qt.SortOrder.AscendingOrder)
        self.cred_delegate = CredentialDelegate(view)
        for col in (AccountCol.KEY, AccountCol.SECRET):
            view.setItemDelegateForColumn(col, self.cred_delegate)
        self.more_delegate = MoreDelegate(view)
        view.setItemDelegateForColumn(AccountCol.MORE, self.more_delegate)
        header = view.horizontalHeader()
        for col, width in (
            (AccountCol.IDENTIFIER, 240),
            (AccountCol.KEY, 320),
            (AccountCol.SECRET, 320),
            (AccountCol.CREATED, 100),
            (AccountCol.LAST_TEST, 110),
            (AccountCol.TESTS_7D, 110),
        ):
            header.resizeSection(col, width)
        header.setSectionResizeMode(AccountCol.MORE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(AccountCol.MORE, 34)
        tests = w.tests_view
        tests.setModel(self.tests_proxy)
        for col, width in (
            (TestCol.NAME, 300),
            (TestCol.STATUS, 90),
            (TestCol.BROWSER, 140),
            (TestCol.PLATFORM, 150),
            (TestCol.STARTED_BY, 190),
            (TestCol.BUILD, 120),
            (TestCol.CREATED, 140),
            (TestCol.DURATION, 80),
        ):
            tests.horizontalHeader().resizeSection(col, width)
        tests.horizontalHeader().setStretchLastSection(True)
        self.started_by = StartedByFilter(w.started_by, self.tests_proxy, self.accounts, self)
        w.show_empty(False)

    def _wire(self) -> None:
        w = self.window
        self.messages.message.connect(w.show_message)
        w.filter_edit.textChanged.connect(self._filter_changed)
        w.accounts_view.selectionModel().selectionChanged.connect(self._selection_changed)
        w.accounts_view.customContextMenuRequested.connect(self._context_menu)
        w.accounts_view.doubleClicked.connect(lambda _i: w.edit_action.trigger())
        w.tests_view.doubleClicked.connect(self._open_test)
        w.tests_view.activated.connect(self._open_test)  # Enter on a row
        self.started_by.changed.connect(self._tests_changed)
        w.only_selected.clicked.connect(self._filter_tests_by_selected)
        self.cred_delegate.reveal_clicked.connect(lambda i: self._reveal(self._account_at(i), i.column()))
        self.cred_delegate.copy_clicked.connect(lambda i: self._copy(self._account_at(i), i.column()))
        self.more_delegate.clicked.connect(self._more_menu)
        self.accounts.modelReset.connect(self._accounts_changed)
        self.accounts.rowsInserted.connect(self._accounts_changed)
        self.accounts.rowsRemoved.connect(self._accounts_changed)
        self.tests.more_wanted.connect(lambda offset: self._spawn("more", self._load_more(offset)))
        self.tests.modelReset.connect(self._tests_changed)
        self.tests.rowsInserted.connect(self._tests_changed)
        w.add_action.triggered.connect(lambda: self._spawn("action", self.add_account(), replace=False))
        w.edit_action.triggered.connect(self._edit_selected)
        w.rotate_action.triggered.connect(self._rotate_selected)
        w.delete_action.triggered.connect(self._delete_selected)
        w.refresh_action.triggered.connect(self.refresh)
        w.copy_key_action.triggered.connect(lambda: self._copy(self.selected(), AccountCol.KEY))
        w.copy_secret_action.triggered.connect(lambda: self._copy(self.selected(), AccountCol.SECRET))
        w.copy_env_action.triggered.connect(lambda: self._copy_snippet(self.selected(), "env"))
        w.copy_hub_action.triggered.connect(lambda: self._copy_snippet(self.selected(), "hub"))
        w.reveal_key_action.triggered.connect(lambda: self._reveal(self.selected(), AccountCol.KEY))
        w.reveal_secret_action.triggered.connect(lambda: self._reveal(self.selected(), AccountCol.SECRET))
        w.details_action.triggered.connect(lambda: self._open_test(w.tests_view.currentIndex()))
        w.sign_out_action.triggered.connect(lambda: self._spawn("sign-in", self.sign_out()))
        w.about_action.triggered.connect(self._about)
        w.closing.connect(self._on_close)
        w.minimized.connect(self.accounts.hide_all)
        self.screen_lock = ScreenLockWatcher(self)
        self.screen_lock.locked.connect(self.accounts.hide_all)
        self.clipboard.countdown.connect(self._clipboard_countdown)
        self._poll.timeout.connect(lambda: self._spawn("poll", self.poll(), replace=False))
        self._reveal_timer.timeout.connect(self.accounts.hide_all)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._app_state_changed)
        self._update_actions()

    # -- tasks -----------------------------------------------------------------------------------

    def _spawn(self, name: str, coro: Coroutine[Any, Any, Any], replace: bool = True) -> asyncio.Task[Any] | None:
        """Run `coro` as the task `name`. replace=True cancels a running one; False ignores the new one."""
        if self.closing:  # views may still ask for pages while the window goes away
            coro.close()
            return None
        old = self.tasks.get(name)
        if old is not None and not old.done():
            if not replace:
                coro.close()
                return None
            old.cancel()
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self.tasks[name] = task
        task.add_done_callback(lambda t: self._task_done(name, t))
        self._update_busy()
        self._update_actions()
        return task

    def _task_done(self, name: str, task: asyncio.Task[Any]) -> None:
        if self.tasks.get(name) is task:
            del self.tasks[name]
        self._update_busy()
        self._update_actions()
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        if isinstance(exc, AuthenticationError):
            self._spawn("sign-in", self.reauthenticate(exc.message), replace=False)
        elif isinstance(exc, ApiError):
            self.messages.error(_describe(exc))
        else:  # a bug: the crash dialog, with a redacted report
            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _update_busy(self) -> None:
        self.window.set_busy(bool(self.tasks))

    # -- starting and signing in -----------------------------------------------------------------

    async def start(self) -> None:
        """Show the window at once; sign in and load behind it."""
        self.window.restore_layout()
        self.window.show()
        url = self.options.api_url
        if self.options.sandbox:
            self.messages.info("Starting the sandbox…")
            from .sandbox.child import SandboxProcess  # only when asked for: keeps start-up lean

            self.sandbox = SandboxProcess(self.options.sandbox_args)
            info = await self.sandbox.start()
            # Sandbox-only credentials, printed on purpose: they are how a user points Selenium at it.
            print(f"tbdesk sandbox: {info.url} key={info.key} secret={info.secret}", flush=True)
            self.window.setWindowTitle("tbdesk — sandbox")
            self.profile = Profile("sandbox", info.url)
            problem = await self._try_sign_in(Credentials(info.key, info.secret), self.profile, remember=False)
            if problem is None:
                return
            await self.sign_in_dialog(info.url, problem)
            return
        resolved = await asyncio.to_thread(self.store.resolve, self.options.profile, None, None, url)
        problem = None
        if resolved is not None:
            problem = await self._try_sign_in(resolved.credentials, resolved.profile, remember=False)
            if problem is None:
                self.messages.info(f"Signed in with the key from the {resolved.source}.")
                return
        await self.sign_in_dialog(url or s.DEFAULT_API_URL, problem)

    async def _try_sign_in(self, creds: Credentials, profile: Profile, remember: bool) -> str | None:
        """Sign in and load the first screen in one round trip (user, accounts and tests in parallel).

        Returns None when signed in, else what went wrong, for the sign-in dialog to show.
        """
        # Building the client imports httpcore and loads the TLS trust store (~100 ms): off the event loop.
        client = await asyncio.to_thread(
            TestingBotClient, creds, profile.api_url, transport=self.transport, retry=self.options.retry
        )
        try:
            user, accounts, tests = await asyncio.gather(
                client.user(), client.service_accounts_page(0), client.tests(0, TESTS_PAGE)
            )
        except ApiError as exc:
            await client.aclose()
            if isinstance(exc, AuthenticationError):
                return "The key and secret were not accepted."
            return _describe(exc)
        if remember:
            try:
                await asyncio.to_thread(self.store.save, profile, creds)
            except KeyringUnavailable as exc:
                self.messages.warning(exc.message)
        old, self.client, self.profile = self.client, client, profile
        if old is not None:
            await old.aclose()
        self._apply_user(user)
        self.accounts.set_accounts(accounts.items)
        self.tests.reset(tests.items, tests.total)
        self._note_tests(tests.items)
        self.loaded.set()
        self._refreshed()
        # What was loaded lives as long as the window: keep the collector from re-scanning it in every
        # full collection (those pauses were the longest stalls with 10,000 accounts).
        gc.freeze()
        if len(accounts.items) < accounts.total:
            self._spawn("refresh", self._load_remaining_accounts(accounts))
        self._spawn("usage", self._load_usage())
        self._poll.start()
        return None

    async def sign_in_dialog(self, api_url: str, message: str | None = None) -> None:
        dialog = SignInDialog(self.window, api_url, self.store.keyring_problem, message)
        self._track(dialog)
        async for key, secret, url, remember in submissions(dialog):
            dialog.set_busy(True)
            try:
                name = self.options.profile or (self.profile.name if self.profile else "default")
                problem = await self._try_sign_in(Credentials(key, secret), Profile(name, url), remember)
            finally:
                dialog.set_busy(False)
            if problem is None:
                dialog.accept()
            else:
                dialog.show_error(problem)
        if self.client is None:
            self.messages.warning("Not signed in. Use File → Sign out to try another key.")

    async def reauthenticate(self, reason: str) -> None:
        """A 401 mid-session: sign in again, then carry on where the user was."""
        self._poll.stop()
        url = self.profile.api_url if self.profile else s.DEFAULT_API_URL
        await self.sign_in_dialog(url, f"{reason} Sign in again to carry on.")

    async def sign_out(self) -> None:
        self._poll.stop()
        if self.profile is not None and self.profile.name != "sandbox":
            try:
                await asyncio.to_thread(self.store.delete, self.profile.name)
            except KeyringUnavailable as exc:
                self.messages.warning(exc.message)
        if self.client is not None:
            await self.client.aclose()
            self.client, self.user = None, None
        self.accounts.set_accounts([])
        self.tests.reset([], 0)
        self.window.user_label.setText("Not signed in")
        self.messages.info("Signed out; the stored key and secret were removed from the keyring.")
        await self.sign_in_dialog(self.profile.api_url if self.profile else s.DEFAULT_API_URL)

    def _apply_user(self, user: User) -> None:
        self.user = user
        role = f", {user.role}" if user.role else ""
        self.window.user_label.setText(f"{user.name}{role} · {user.plan or 'plan unknown'}")
        self.window.set_read_only(not user.can_manage)
        self._update_actions()

    # -- loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.client is not None:
            self._spawn("refresh", self._refresh())

    async def _refresh(self) -> None:
        client = self._client()
        user, accounts, tests = await asyncio.gather(
            client.user(), client.service_accounts(), client.tests(0, TESTS_PAGE)
        )
        self._apply_user(user)
        self._reconcile(accounts)
        self.tests.reset(tests.items, tests.total)
        self._note_tests(tests.items)
        self._refreshed()
        self._spawn("usage", self._load_usage())

    async def _load_remaining_accounts(self, first: Any) -> None:
        await self._client().service_accounts(
            on_page=lambda rows: self.accounts.append(rows, resort=False), first=first
        )
        self.accounts.resort()
        self._refreshed()

    def _reconcile(self, fresh: list[ServiceAccount]) -> None:
        """Apply a full list; say what changed elsewhere, so no stale row fails later."""
        old = {a.id: a for a in self.accounts.accounts()}
        new = {a.id: a for a in fresh}
        renamed = sum(1 for i, a in new.items() if i in old and old[i].identifier != a.identifier)
        rotated = sum(1 for i, a in new.items() if i in old and old[i].key != a.key)
        deleted = sum(1 for i in old if i not in new)
        added = sum(1 for i in new if i not in old)
        selected = self.selected()
        if deleted + added > len(new) // 2:
            self.accounts.set_accounts(fresh)  # mostly new: one reset is cheapest
        else:
            # The usual refresh changes little: touch only those rows, so 10,000 unchanged rows cost nothing.
            for account_id in [i for i in old if i not in new]:
                self.accounts.remove(account_id)
            for account_id, account in new.items():
                if account_id in old and old[account_id] != account:
                    self.accounts.upsert(account)
            if added:
                self.accounts.append([a for i, a in new.items() if i not in old])
        if selected is not None and selected.id in new:
            self.select_account(selected.id)
        parts = [
            f"{n} {what}"
            for n, what in ((renamed, "renamed"), (rotated, "rotated"), (deleted, "deleted"), (added, "added"))
            if n
        ]
        if parts and old:
            self.messages.info("Changed elsewhere since the last refresh: " + ", ".join(parts) + ".")

    async def _load_more(self, offset: int) -> None:
        generation = self.tests.generation
        try:
            page = await self._client().tests(offset, TESTS_PAGE)
        except ApiError as exc:
            self.tests.page_failed()
            if isinstance(exc, AuthenticationError):
                raise  # _task_done asks to sign in again
            self.messages.error(f"{_describe(exc)} Press F5 to try again.")
            return
        except BaseException:
            self.tests.page_failed()
            raise
        self.tests.append_page(page.items, page.total, generation)

    async def _load_usage(self) -> None:
        """Last test and tests in 7 days per account: in the background, after the first screen."""
        client = self._client()
        cutoff = datetime.now(UTC) - timedelta(days=USAGE_DAYS)
        seen: dict[int, tuple[int, datetime]] = {}
        for page_no in range(USAGE_MAX_PAGES):
            page = await client.tests(page_no * s.PAGE_MAX, s.PAGE_MAX)
            self._collect_usage(page.items, seen)
            oldest = page.items[-1].created_at if page.items else None
            if not page.items or oldest is None or oldest < cutoff or (page_no + 1) * s.PAGE_MAX >= page.total:
                break
        self._usage_tests = seen
        self.accounts.set_usage(self._usage())

    @staticmethod
    def _collect_usage(tests: Any, into: dict[int, tuple[int, datetime]]) -> None:
        """Keep only (account, created) per test: 7 days of a busy team is tens of thousands of tests."""
        into.update((t.id, start) for t in tests if (start := service_account_start(t)) is not None)

    def _usage(self) -> dict[int, Usage]:
        return usage_of(self._usage_tests.values())

    async def poll(self) -> None:
        """New and updated tests since the last look, merged in place; usage stays current."""
        if self.client is None or self._since is None:
            return
        fresh = await self.client.tests_since(self._since)
        if fresh:
            self.tests.merge(fresh)
            self._note_tests(fresh)
            if self.accounts.usage_loaded:
                self._collect_usage(fresh, self._usage_tests)
                self.accounts.set_usage(self._usage())
        self._refreshed()

    def _note_tests(self, tests: Any) -> None:
        stamps = [t.updated_at.timestamp() for t in tests if t.updated_at is not None]
        if stamps:
            self._since = max(self._since or 0.0, max(stamps))

    def _refreshed(self) -> None:
        self.window.refreshed_label.setText(f"Updated {time.strftime('%H:%M:%S')}")
        remaining = self.client.rate_limit_remaining if self.client else None
        self.window.rate_label.setText(f"API: {remaining} requests left" if remaining is not None else "")
        if self.options.exit_when_loaded and self.loaded.is_set():
            self.window.repaint()  # the rows are on screen before we say so
            print(f"tbdesk: loaded {self.accounts.rowCount()} accounts and {self.tests.rowCount()} tests", flush=True)
            self.options.exit_when_loaded = False
            QTimer.singleShot(0, self.window.close)

    def _client(self) -> TestingBotClient:
        if self.client is None:
            raise AuthenticationError("Not signed in.")
        return self.client

    # -- account actions -------------------------------------------------------------------------

    def selected(self) -> ServiceAccount | None:
        index = self.window.accounts_view.selectionModel().currentIndex()
        rows = self.window.accounts_view.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        return index.data(ROW_ROLE) if index.isValid() else None

    def select_account(self, account_id: int) -> None:
        row = self.accounts.row_of(account_id)
        if row is None:
            return
        index = self.accounts_proxy.mapFromSource(self.accounts.index(row, 0))
        if not index.isValid():  # hidden by the filter: clear it so the row can be shown
            self.window.filter_edit.clear()
            index = self.accounts_proxy.mapFromSource(self.accounts.index(row, 0))
        view = self.window.accounts_view
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        view.scrollTo(index)

    def _account_at(self, index: QModelIndex) -> ServiceAccount | None:
        return index.data(ROW_ROLE) if index.isValid() else None

    def _edit_selected(self) -> None:
        if (account := self.selected()) and self._can_manage():
            self._spawn("action", self.rename_account(account), replace=False)

    def _rotate_selected(self) -> None:
        if (account := self.selected()) and self._can_manage():
            self._spawn("action", self.rotate_account(account), replace=False)

    def _delete_selected(self) -> None:
        if (account := self.selected()) and self._can_manage():
            self._spawn("action", self.delete_account(account), replace=False)

    def _can_manage(self) -> bool:
        return self.user is not None and self.user.can_manage

    async def _act(
        self,
        dialog: Any,
        send: Callable[[Any], Awaitable[Any]],
        done: Callable[[Any], None],
        *,
        unknown: Callable[[Any, ApiError], Awaitable[None]] | None = None,
        gone: Callable[[], None] | None = None,
    ) -> None:
        """One action dialog: each submission is sent once. Success closes it and calls `done`; invalid input
        or a failure stays on it with the input kept; a write of unknown outcome closes it and `unknown`
        reads the truth back; a 404 closes it and calls `gone` (the account went elsewhere)."""
        self._track(dialog)
        async for value in submissions(dialog):
            dialog.set_busy(True)
            try:
                result = await send(value)
            except InvalidInput as exc:
                dialog.set_busy(False)
                dialog.show_error(exc.fields.get("identifier", [exc.message])[0])
                continue
            except NotFound as exc:
                dialog.set_busy(False)
                if gone is None:
                    self._dialog_error(dialog, exc)
                    continue
                dialog.accept()
                gone()
                return
            except ApiError as exc:
                dialog.set_busy(False)
                if exc.outcome_unknown and unknown is not None:
                    dialog.accept()
                    await unknown(value, exc)
                    return
                self._dialog_error(dialog, exc)
                continue
            dialog.set_busy(False)
            dialog.accept()
            done(result)
            return

    async def add_account(self) -> None:
        if not self._can_manage():
            return

        def added(account: ServiceAccount) -> None:
            self.accounts.upsert(account)
            self.select_account(account.id)
            self.messages.info(
                f"Added “{account.identifier}”. Copy its key (Ctrl+B) and secret (Ctrl+C) into the pipeline's settings."
            )

        dialog = IdentifierDialog(self.window, [a.identifier for a in self.accounts.accounts()])
        await self._act(
            dialog,
            lambda identifier: self._client().create_service_account(identifier),
            added,
            unknown=self._read_back_create,
        )

    async def _read_back_create(self, identifier: str, exc: ApiError) -> None:
        """The server may or may not have made the account: look, show the truth, never re-send."""
        self.messages.warning(f"{_describe(exc)} Checking whether “{identifier}” was created…")
        found = await self._client().find_service_account(identifier)
        if found is None:
            self.messages.warning(f"“{identifier}” was not created. You can add it again.")
            return
        self.accounts.upsert(await self._client().service_account(found.id))
        self.select_account(found.id)
        self.messages.info(f"“{identifier}” was created after all; its key and secret are ready to copy.")

    async def rename_account(self, account: ServiceAccount) -> None:
        def renamed(new: ServiceAccount) -> None:
            self.accounts.upsert(new)
            self.messages.info(
                f"Renamed “{account.identifier}” to “{new.identifier}”; its key and secret are unchanged."
            )

        taken = [a.identifier for a in self.accounts.accounts() if a.id != account.id]
        await self._act(
            IdentifierDialog(self.window, taken, account),
            lambda identifier: self._client().rename_service_account(account.id, identifier),
            renamed,
            gone=lambda: self._gone(account),
        )

    async def rotate_account(self, account: ServiceAccount) -> None:
        def rotated(new: ServiceAccount) -> None:
            self.accounts.upsert(new)
            self.select_account(new.id)
            self.messages.info(
                f"New key and secret for “{new.identifier}”; the old pair no longer works. "
                "Copy them with Ctrl+B and Ctrl+C."
            )

        await self._act(
            RotateDialog(self.window, account, self.accounts.usage(account.id)),
            lambda _id: self._client().rotate_service_account(account.id),
            rotated,
            unknown=lambda _id, exc: self._read_back_rotation(account, exc),
            gone=lambda: self._gone(account),
        )

    async def _read_back_rotation(self, account: ServiceAccount, exc: ApiError) -> None:
        self.messages.warning(f"{_describe(exc)} Checking whether the key of “{account.identifier}” changed…")
        try:
            now = await self._client().service_account(account.id)
        except NotFound:
            self._gone(account)
            return
        self.accounts.upsert(now)
        if now.key != account.key:
            self.messages.info(f"The key of “{account.identifier}” was rotated; the new pair is shown.")
        else:
            self.messages.warning(f"The key of “{account.identifier}” was not rotated. You can try again.")

    async def delete_account(self, account: ServiceAccount) -> None:
        def deleted(_result: Any = None) -> None:
            self.accounts.remove(account.id)
            self.messages.info(f"Deleted “{account.identifier}”; its tests keep their label.")

        # A 404 is the outcome the admin asked for: it is gone either way.
        await self._act(
            DeleteDialog(self.window, account),
            lambda _id: self._client().delete_service_account(account.id),
            deleted,
            gone=deleted,
        )

    def _track(self, dialog: Any) -> None:
        """Remember the dialog in use; the previous one, closed by now, is deleted (no pile-up per window)."""
        old = getattr(self, "dialog", None)
        if old is not None and old is not dialog and not old.isVisible():
            old.deleteLater()
        self.dialog = dialog

    def _dialog_error(self, dialog: Any, exc: ApiError) -> None:
        """Show a failed request on its dialog, input kept. A 401 also asks to sign in again on top of it."""
        dialog.show_error(_describe(exc))
        if isinstance(exc, AuthenticationError):
            self._spawn("sign-in", self.reauthenticate(exc.message), replace=False)

    def _gone(self, account: ServiceAccount) -> None:
        self.accounts.remove(account.id)
        self.messages.warning(f"“{account.identifier}” no longer exists; another admin deleted it.")

    # -- reveal and copy -------------------------------------------------------------------------

    def _reveal(self, account: ServiceAccount | None, col: int) -> None:
        if account is None:
            return
        if self.accounts.is_revealed(account.id, col):
            self.accounts.set_revealed(account.id, col, False)
        elif col == AccountCol.KEY:
            self._show(account.id, col)
        else:
            self._with_secret(account, lambda _secret: self._show(account.id, col))

    def _show(self, account_id: int, col: int) -> None:
        self.accounts.set_revealed(account_id, col, True)
        self._reveal_timer.start()  # everything hides again after the timeout

    def _with_secret(self, account: ServiceAccount, then: Callable[[str], None]) -> None:
        """Call `then(secret)` now if we have it, else after fetching it with a busy mark in its cell."""
        secret = self.accounts.secret(account.id)
        if secret is not None:
            then(secret)
        elif f"secret:{account.id}" not in self.tasks:
            self.accounts.set_busy(account.id, AccountCol.SECRET, True)
            self._spawn(f"secret:{account.id}", self._fetch_secret(account, then))

    async def _fetch_secret(self, account: ServiceAccount, then: Callable[[str], None]) -> None:
        try:
            full = await self._client().service_account(account.id)
        except NotFound:
            self._gone(account)
            return
        except PermissionDenied as exc:
            self.messages.error(_describe(exc))
            return
        finally:
            self.accounts.set_busy(account.id, AccountCol.SECRET, False)
        if full.key != account.key:  # rotated elsewhere since the list was loaded
            self.messages.info(f"The key of “{account.identifier}” was rotated elsewhere; showing the current pair.")
        self.accounts.upsert(full)  # keeps the secret in memory for the next reveal or copy
        if full.secret is not None:
            then(full.secret)

    def _copy(self, account: ServiceAccount | None, col: int) -> None:
        if account is None:
            return
        if col == AccountCol.KEY:
            self.clipboard.copy(account.key, f"Key of “{account.identifier}”")
        else:
            self._with_secret(account, lambda secret: self.clipboard.copy(secret, f"Secret of “{account.identifier}”"))

    def _copy_snippet(self, account: ServiceAccount | None, kind: str) -> None:
        if account is None:
            return

        def copy(secret: str) -> None:
            current = self.accounts.account(account.id) or account  # the key may have just changed
            if kind == "env":
                text, label = f"TESTINGBOT_KEY={current.key} TESTINGBOT_SECRET={secret}", "Environment variables"
            else:
                api = self.profile.api_url if self.profile else s.DEFAULT_API_URL
                text, label = hub_url(api, current.key, secret), "Hub URL"
            self.clipboard.copy(text, f"{label} of “{account.identifier}”")

        self._with_secret(account, copy)

    def _clipboard_countdown(self, label: str, left: int) -> None:
        self.window.clipboard_label.setText(f"{label} copied · clears in {left} s" if left else "")

    # -- view state ------------------------------------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        self.accounts_proxy.set_filter_text(text)
        self._accounts_changed()

    def _accounts_changed(self, *_: Any) -> None:
        total = self.accounts.rowCount()
        shown = self.accounts_proxy.rowCount()
        w = self.window
        w.accounts_count.setText(f"{total}" if shown == total else f"{shown} of {total}")
        filtering = bool(w.filter_edit.text().strip())
        w.show_empty(total == 0 and self.client is not None and not filtering)
        self.started_by.schedule()
        self._update_actions()

    def _filter_tests_by_selected(self) -> None:
        account = self.selected()
        if account is not None:
            self.started_by.show_account(account.id)

    def _tests_changed(self, *_: Any) -> None:
        shown, loaded = self.tests_proxy.rowCount(), self.tests.rowCount()
        loaded_text = f"{loaded} of {self.tests.total}"
        self.window.tests_count.setText(loaded_text if shown == loaded else f"{shown} shown · {loaded_text}")

    def _selection_changed(self, *_: Any) -> None:
        account = self.selected()
        button = self.window.only_selected
        button.setVisible(account is not None and self.tests_proxy.who != (account.id if account else None))
        if account is not None:
            button.setText(f"Only tests by {account.identifier}")
        self._update_actions()

    def _update_actions(self) -> None:
        w = self.window
        selected = self.selected() is not None
        manage = self._can_manage()
        acting = "action" in self.tasks
        w.add_action.setEnabled(manage and not acting and self.client is not None)
        for action in (w.edit_action, w.rotate_action, w.delete_action):
            action.setEnabled(manage and selected and not acting)
        w.copy_key_action.setEnabled(selected)
        w.reveal_key_action.setEnabled(selected)
        for action in (w.copy_secret_action, w.copy_env_action, w.copy_hub_action, w.reveal_secret_action):
            action.setEnabled(selected and manage)
            action.setToolTip(action.statusTip() if manage else READ_ONLY_TIP)
        w.refresh_action.setEnabled(self.client is not None)
        w.sign_out_action.setEnabled(self.client is not None)

    def _context_menu(self, pos: Any) -> None:
        if self.window.accounts_view.indexAt(pos).isValid():
            self.window.row_menu().popup(self.window.accounts_view.viewport().mapToGlobal(pos))

    def _more_menu(self, index: QModelIndex) -> None:
        view = self.window.accounts_view
        view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        rect = view.visualRect(index)
        self.window.row_menu().popup(view.viewport().mapToGlobal(rect.bottomLeft()))

    def _open_test(self, index: QModelIndex) -> None:
        if index.isValid() and index.model() is self.tests_proxy:
            test = index.data(ROW_ROLE)
            if test is not None:
                details = TestDetailsDialog(self.window, test)
                details.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                details.open()

    def _app_state_changed(self, state: Qt.ApplicationState) -> None:
        # The screen locked or the app went to the background: hide what was revealed.
        if state in (Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden):
            self.accounts.hide_all()

    def _about(self) -> None:
        QMessageBox.about(
            self.window, "About tbdesk", f"tbdesk {__version__}\nService accounts and tests of a TestingBot team."
        )

    # -- quitting --------------------------------------------------------------------------------

    def _on_close(self) -> None:
        self.closing = True
        self._poll.stop()
        self.clipboard.clear()
        self.accounts.hide_all()
        for task in list(self.tasks.values()):
            task.cancel()
        asyncio.get_event_loop().create_task(self._shutdown())

    async def _shutdown(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self.sandbox is not None:
            await self.sandbox.stop()
        self.closed.set()


def hub_url(api_url: str, key: str, secret: str) -> str:
    """TestingBot's documented hub URL for its API; the same server's /wd/hub for any other (the sandbox)."""
    if api_url.rstrip("/") == s.DEFAULT_API_URL:
        base = s.DEFAULT_HUB_URL
    else:
        parts = urlsplit(api_url)
        base = f"{parts.scheme}://{parts.netloc}/wd/hub"
    scheme, rest = base.split("://", 1)
    return f"{scheme}://{key}:{secret}@{rest}"


def _describe(exc: ApiError) -> str:
    return f"{exc.operation} failed: {exc.message}" if exc.operation else exc.message
