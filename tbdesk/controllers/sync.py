"""Keeping the models in step with the server: the first screen, refresh, paging, usage and polling."""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..api import schema as s
from ..api.errors import ApiError, AuthenticationError
from ..api.models import Page, ServiceAccount
from ..core.activity import PANEL_DAYS, SPARK_DAYS
from ..core.first_screen import TESTS_PAGE, FirstScreen, accounts_or_refusal
from ..core.lifecycle import UNUSED_DAYS, History, oldest
from ..core.reconcile import reconcile_slices
from ..core.usage import UsageLog, reached_cutoff
from ..core.wording import describe, refusal_text
from ..gui.laid_out import lay_out_now
from ..options import Options
from .presenter import Presenter
from .session import Session
from .shared import Shared
from .tasks import next_turn

USAGE_MAX_PAGES = 60  # at 500 a page: the last 30,000 tests are enough to tell which keys are in use
HISTORY_MAX_PAGES = 200  # the activity pictures read on: 30 days of a busy team (100,000 tests)


class Sync(QObject):
    usage_changed = Signal()  # the usage (and how far back its history reaches) was loaded or updated
    tests_seen = Signal(object)  # a batch of tests loaded from anywhere (list pages, history, polling)
    history_loaded = Signal(object)  # the tests loaded reach 14 or 30 days: how far back (None: all of them)
    polled = Signal()  # polling brought new or updated tests

    def __init__(
        self, options: Options, shared: Shared, session: Session, presenter: Presenter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.options, self.session, self.presenter = options, session, presenter
        self.window, self.messages, self.runner = shared.window, shared.messages, shared.runner
        self.accounts, self.tests = shared.accounts, shared.tests
        self.loaded = asyncio.Event()  # the first screen is shown
        self._since: float | None = None  # newest updated_at seen, for polling
        self._usage = UsageLog()
        self._history_read = False  # the 30-day history for the activity pictures was read once
        self._history_reach: datetime | None = None  # how far back it reaches (None: every test there is)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(int(options.poll_interval * 1000))
        self.poll_timer.timeout.connect(lambda: self.runner.spawn("poll", self.poll(), replace=False))
        self.tests.more_wanted.connect(lambda offset: self.runner.spawn("more", self.load_more(offset)))

    def show_first_screen(self, screen: FirstScreen) -> None:
        """Signed in: show the first pages, then load the rest, the usage and start polling behind them."""
        accounts, tests = screen.accounts, screen.tests
        refused = accounts if isinstance(accounts, ApiError) else None
        self.presenter.set_accounts_refused(refusal_text(refused) if refused else None)
        if isinstance(accounts, ApiError):
            accounts = Page((), 0, 0)
        if screen.shown:  # start-up showed these rows before it was wired up: keep them, and what the
            self.options.announce_start = False  # admin did with them; it said they were loaded
            self.presenter.accounts_changed()
            self.presenter.tests_changed()
        else:
            self.accounts.set_accounts(accounts.items)
            self.tests.reset(tests.items, tests.total)
            lay_out_now(self.window.accounts_view, self.window.tests_view)  # painted once, as they will stay
        self._note_tests(tests.items)
        self.loaded.set()
        self._refreshed()
        # What was loaded lives as long as the window: keep the collector from re-scanning it in every
        # full collection (those pauses were the longest stalls with 10,000 accounts).
        gc.freeze()
        if len(accounts.items) < accounts.total:
            self.runner.spawn("refresh", self._load_remaining_accounts(accounts))
        self.runner.spawn("usage", self.load_usage())
        self.poll_timer.start()

    def stop_polling(self) -> None:
        """Signed out or asked to sign in again: nothing more is loaded with the old client."""
        self.poll_timer.stop()
        self.runner.cancel("poll", "usage", "refresh", "more")

    def clear(self) -> None:
        self._history_read = False
        self.presenter.set_accounts_refused(None)
        self.accounts.set_accounts([])
        self.tests.reset([], 0)
        # The last session's "Updated …" and request budget are not this one's.
        self.window.refreshed_label.setText("")
        self.window.rate_label.setText("")

    def refresh(self) -> None:
        if self.session.client is not None:
            self.runner.spawn("refresh", self._refresh())

    async def _refresh(self) -> None:
        client = self.session.require_client()
        user, accounts, tests = await asyncio.gather(
            client.user(), accounts_or_refusal(client.service_accounts()), client.tests(0, TESTS_PAGE)
        )
        self.session.apply_user(user)
        if isinstance(accounts, ApiError):
            self.accounts.set_accounts([])
            self.presenter.set_accounts_refused(refusal_text(accounts))
        else:
            self.presenter.set_accounts_refused(None)
            await self.reconcile(accounts)
        self.tests.reset(tests.items, tests.total)
        self._note_tests(tests.items)
        self._refreshed()
        self.runner.spawn("usage", self.load_usage())

    async def _load_remaining_accounts(self, first: Page[ServiceAccount]) -> None:
        await self.session.require_client().service_accounts(
            on_page=lambda rows: self.accounts.append(rows, resort=False), first=first
        )
        # Sorting 10,000 rows and showing them sorted were one 20-28 ms step: the order is worked out in one
        # turn of the event loop and shown in the next (worked out again if the rows changed meanwhile). The
        # last page and the client's merge of the pages came in the sorting's turn too: 12-25 ms (#16).
        await next_turn()
        plan = self.accounts.sort_plan()
        await next_turn()
        self.accounts.apply_sort_plan(plan)
        gc.freeze()  # as in show_first_screen: the accounts live as long as the window
        self._refreshed()

    async def reconcile(self, fresh: list[ServiceAccount]) -> None:
        """Apply a full list; say what changed elsewhere, so no stale row fails later. Compared in slices, the
        window answering between them (see reconcile_slices); applied in one go."""
        steps = reconcile_slices(self.accounts.accounts(), fresh)
        while (plan := next(steps)) is None:
            await next_turn()
        selected = self.presenter.selected()
        if plan.reset:
            self.accounts.set_accounts(fresh)
        else:
            for account_id in plan.removed:
                self.accounts.remove(account_id)
            for account in plan.changed:
                self.accounts.upsert(account)
            if plan.added:
                self.accounts.append(plan.added)
        if selected is not None and self.accounts.row_of(selected.id) is not None:
            self.presenter.select_account(selected.id)
        if summary := plan.summary():
            self.messages.info(summary)

    async def load_more(self, offset: int) -> None:
        generation = self.tests.generation
        try:
            page = await self.session.require_client().tests(offset, TESTS_PAGE)
        except ApiError as exc:
            self.tests.page_failed()
            if isinstance(exc, AuthenticationError):
                raise  # the task runner asks to sign in again
            self.messages.error(f"{describe(exc)} Press F5 to try again.")
            return
        except BaseException:
            self.tests.page_failed()
            raise
        self.tests.append_page(page.items, page.total, generation)
        self.tests_seen.emit(page.items)

    async def load_all(self) -> None:
        """Every page to the end (the "Load all" button): the filters and the CSV export then cover every
        test, not only the first pages the table happened to load."""
        tests = self.tests
        tests.fetching = True  # the view asks for no page of its own meanwhile
        try:
            while len(tests.tests()) < tests.total and not tests.stalled:
                before = tests.rowCount()
                await self.load_more(before)
                if tests.rowCount() == before:  # nothing new (the list shifted, or a page failed)
                    break
                tests.fetching = True
        finally:
            tests.fetching = False

    async def load_usage(self) -> None:
        """In the background, after the first screen, pages of 500 tests newest first (up to 30 days):
        last test, tests in 7 days and unused accounts (none in 30 days) from the first USAGE_MAX_PAGES,
        whose history says how far back it reaches, so "unused" is never a guess; the activity pictures
        from all of them, the sparklines as soon as the pages reach back 14 days. Once read, older tests
        rarely change: a refresh reads the usage pages again and keeps the older history (polling adds to
        it), so F5 costs what it did before the pictures."""
        client = self.session.require_client()
        pages = USAGE_MAX_PAGES if self._history_read else HISTORY_MAX_PAGES
        now = datetime.now(UTC)
        cutoff = now - timedelta(days=max(UNUSED_DAYS, PANEL_DAYS))
        spark_cut = now - timedelta(days=SPARK_DAYS)
        seen = UsageLog()
        reach, complete = None, False
        usage_shown = sparks_shown = False
        for page_no in range(pages):
            page = await client.tests(page_no * s.PAGE_MAX, s.PAGE_MAX)
            fetched = (page_no + 1) * s.PAGE_MAX
            self.tests_seen.emit(page.items)
            # The page's tests live as long as the window, as the history below: out of later collections.
            # Left in, young collections of 2-3.5 ms and full ones of ~6 ms came inside the load's steps: the
            # longest stalls of signing in with 100,000 tests (#16). The young garbage is collected first:
            # the page's HTTP answer is in reference cycles, and frozen it was never freed (+180 MB).
            await next_turn()
            gc.collect(1)
            gc.freeze()
            reach = oldest([reach, *(t.created_at for t in page.items[-1:])])
            complete = not page.items or fetched >= page.total
            done = reached_cutoff(page.items, cutoff, fetched, page.total)
            if not usage_shown:
                seen.add(page.items)
                if done or page_no + 1 == USAGE_MAX_PAGES:
                    usage_shown = True
                    self._usage.replace(seen)
                    self.accounts.set_usage(await self._usage.usage_in_slices(), History(reach, complete))
                    self.usage_changed.emit()
            if done:
                break
            if (
                not sparks_shown
                and pages == HISTORY_MAX_PAGES
                and reached_cutoff(page.items, spark_cut, fetched, page.total)
            ):
                sparks_shown = True
                self.history_loaded.emit(reach)
        if pages == HISTORY_MAX_PAGES:
            self._history_read, self._history_reach = True, None if complete else reach
            gc.freeze()  # the history read for the activity pictures lives as long as the window too
        self.history_loaded.emit(self._history_reach)

    async def poll(self) -> None:
        """New and updated tests since the last look, merged in place; usage stays current."""
        client = self.session.client
        if client is None or self._since is None:
            return
        fresh = await client.tests_since(self._since)
        if fresh:
            self.tests.merge(fresh)
            self._note_tests(fresh)
            if self.accounts.usage_loaded:
                self._usage.add(fresh)
                self.accounts.set_usage(await self._usage.usage_in_slices())
                self.usage_changed.emit()
            self.polled.emit()
        self._refreshed()

    def _note_tests(self, tests: Any) -> None:
        self.tests_seen.emit(tests)
        stamps = [t.updated_at.timestamp() for t in tests if t.updated_at is not None]
        if stamps:
            self._since = max(self._since or 0.0, max(stamps))

    def _refreshed(self) -> None:
        self.window.refreshed_label.setText(f"Updated {time.strftime('%H:%M:%S')}")
        client = self.session.client
        remaining = client.rate_limit_remaining if client else None
        self.window.rate_label.setText(f"API: {remaining} requests left" if remaining is not None else "")
        if not self.loaded.is_set():
            return
        if self.options.announce_start:
            self.window.repaint()  # the rows are on screen before we say so
            print(f"tbdesk: loaded {self.accounts.rowCount()} accounts and {self.tests.rowCount()} tests", flush=True)
            self.options.announce_start = False
        if self.options.exit_when_loaded:
            self.options.exit_when_loaded = False
            QTimer.singleShot(0, self.window.close)
