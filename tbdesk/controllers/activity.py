"""The activity pictures: the "Last 14 days" sparklines of every account and the Activity tab of the
selected one, drawn from the tests Sync loads for usage (30 days back) and brings by polling.

The numbers come from tbdesk.core.activity and core.account_activity; with 10,000 accounts and 100,000
tests the sparklines take a few hundred milliseconds, and the busiest account's panel (28,000 tests)
~25 ms, so both are computed in slices of a few milliseconds on the event loop. Not on a worker thread:
pure-Python work there holds the interpreter lock, and every Python call Qt makes while painting (data(),
delegates) waits for it, so the window stalled more than it would doing the work itself (switching between
busy accounts stalled 50-70 ms).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QObject

from ..api.models import ServiceAccount, Test
from ..core.account_activity import AccountActivity, account_activity, activity_slices
from ..core.activity import PANEL_DAYS, SLICE_FACTS, ActivityLog, Spark, no_tests, spark_slices
from ..gui.models import AccountsModel
from ..gui.window import MainWindow
from .tasks import TaskRunner, next_turn

T = TypeVar("T")
BIG = 2000  # one account's tests above which its panel is computed in slices (~2 ms of work at once)


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run `fn` on a worker thread. Unlike asyncio.to_thread this also works when qasync steps the task
    from Qt's own event processing (a modal dialog, pytest-qt waiting), where no loop is "running"."""
    return await asyncio.get_event_loop().run_in_executor(None, fn, *args)


class Activity(QObject):
    def __init__(
        self,
        runner: TaskRunner,
        window: MainWindow,
        accounts: AccountsModel,
        selected: Callable[[], ServiceAccount | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.window = window
        self.accounts = accounts
        self.selected = selected
        self.log = ActivityLog()
        self.reach: datetime | None = None  # the oldest test loaded when that is within 30 days
        self.ready = False  # the pictures were computed at least once since signing in
        self.shown: tuple[int, str] | None = None  # the account (id, identifier) the tab names

    def add(self, tests: Iterable[Test]) -> None:
        self.log.add(tests)

    def history_loaded(self, reach: datetime | None) -> None:
        """Sync read enough pages (or new tests arrived): recompute, once, whatever is pending."""
        self.reach = reach
        self.runner.spawn("activity", self._update())

    def tests_polled(self) -> None:
        if self.ready:
            self.runner.spawn("activity", self._update())

    def clear(self) -> None:
        self.log.clear()
        self.ready = False
        self.reach = None
        if self.window.activity_panel_made:
            self.window.activity_panel.show_activity(None)
        self.window.set_activity_title(None)
        self.shown = None

    def panel_wanted(self) -> bool:
        """Whether to fill the panel now: its tab is on screen. Until then only the tab's title follows the
        selection, and the panel is filled when its tab is shown (tab_changed). The window makes the panel when
        first used: making it with the first screen (which selects the first account) was a 15-30 ms step of
        its own. Filling it behind the Tests tab, three times for each account the accounts filter moved to,
        was ~1 ms of such a keystroke (#16)."""
        w = self.window
        return w.lower_tabs.currentWidget() is w.activity_tab

    def tab_changed(self, *_: Any) -> None:
        """The Activity tab shown: its panel made the first time (and filled: panel_built), else filled now."""
        w = self.window
        if w.lower_tabs.currentWidget() is not w.activity_tab:
            return
        if w.activity_panel_made:
            self.selection_changed()
        else:
            w.activity_panel.show()

    def panel_built(self) -> None:
        """The window made the panel (its tab was shown, or something asked for it): fill it."""
        self.selection_changed()

    def selection_changed(self, *_: Any) -> None:
        account = self.selected()
        if not self.panel_wanted():
            self.shown = (account.id, account.identifier) if account is not None else None
            self.window.set_activity_title(account.identifier if account is not None else None)
            return
        if account is not None and self.ready and self.log.count(account.id) > BIG:
            self.runner.spawn("activity-panel", self._show_selected())
        else:  # the usual account: a few milliseconds, shown at once (no task, no busy flicker)
            self._show_now(account)

    def accounts_edited(self, *_: Any) -> None:
        """A rename (even one that moves the row, where the selection itself does not change): the tab and
        the panel's heading follow at once."""
        account = self.selected()
        if account is not None and self.shown is not None and self.shown != (account.id, account.identifier):
            self.selection_changed()

    async def _update(self) -> None:
        self.log.prune((datetime.now(UTC) - timedelta(days=PANEL_DAYS + 1)).timestamp())
        result: dict[int, Spark] = {}
        for part in spark_slices(self.log.groups()):
            result.update(part)
            await next_turn()  # the window answers between slices (see spark_slices)
        self.accounts.set_sparks(result, no_tests())
        if not self.ready:
            # The loaded history lives as long as the window, like the first screen (see Sync): keep the
            # collector from re-scanning it in every full collection.
            gc.freeze()
        self.ready = True
        if self.panel_wanted():
            await self._show_selected()

    async def _show_selected(self) -> None:
        account = self.selected()
        if account is None or not self.ready:
            self._show_now(account)
            return
        # One account can have started most of 100,000 tests: counted a slice at a time, the window
        # answering between slices; given up as soon as the selection moves on.
        for numbers in activity_slices(self.log.of(account.id), size=SLICE_FACTS):
            if numbers is None:
                await next_turn()
                if self.selected() != account:
                    return
            else:
                self._show(account, numbers)

    def _show_now(self, account: ServiceAccount | None) -> None:
        panel = self.window.activity_panel
        self.shown = (account.id, account.identifier) if account is not None else None
        if account is None:
            self.window.set_activity_title(None)
            panel.show_activity(None)
        elif not self.ready:
            self.window.set_activity_title(account.identifier)
            panel.show_activity(None, waiting=account.identifier)
        else:
            self._show(account, account_activity(self.log.of(account.id)))

    def _show(self, account: ServiceAccount, numbers: AccountActivity) -> None:
        self.shown = (account.id, account.identifier)
        self.window.set_activity_title(account.identifier)
        cut = datetime.now(UTC) - timedelta(days=PANEL_DAYS)
        loaded_back_to = self.reach if self.reach and self.reach > cut else None
        note = f"only tests since {loaded_back_to.astimezone():%d %b} were loaded" if loaded_back_to else ""
        self.window.activity_panel.show_activity(account.identifier, numbers, note)
