"""The "Started by" list above the tests: Everyone, people, then every service account, every person and
every deleted service account that started a loaded test.

Live accounts come from the accounts model; people and deleted accounts are only known from the tests'
"Started by" labels, so note_tests() collects them as tests load, arrive by polling, or load for usage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox

from ..api.models import Test
from ..core.activity import Who, who_of
from ..core.names import folded
from .debounce import Debounce
from .models import AccountsModel, TestsProxy
from .searchable import add_names, fit_lists

FIXED = 3  # Everyone, People, a separator
SEPARATOR = None


class StartedByFilter(QObject):
    """Keeps the combo in step with the accounts and the tests' starters; applies the choice to the proxy.

    Names go in with one addItems call per section and the keys live in a parallel list: item-by-item
    additions of 10,000 accounts took 30 ms, and a large load changes the accounts 20 times, so rebuilding
    also waits for 300 ms without changes (at most a second: polling keeps changing things)."""

    changed = Signal()

    def __init__(self, combo: QComboBox, proxy: TestsProxy, accounts: AccountsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.combo, self.proxy, self.accounts = combo, proxy, accounts
        self._keys: list[Who | None] = []  # aligned with the combo's items after FIXED; None for separators
        self._names: list[str] = []
        self._starters: dict[Who, tuple[str, bool]] = {}  # who -> (name, is a service account) from tests
        self._live: tuple[list[tuple[Who | None, str]], set[int]] | None = None  # sorted accounts, their ids
        self._live_version = -1  # the accounts' names_version that _live was made from
        combo.addItem("Everyone", TestsProxy.ALL)
        combo.addItem("People (team members)", TestsProxy.PEOPLE)
        combo.insertSeparator(2)
        combo.currentIndexChanged.connect(self._apply)
        self._settle = Debounce(self._settled, parent=self)

    def schedule(self) -> None:
        """The accounts may have changed: rebuild once they settle, if one came, went or was renamed (a
        keystroke in the filter, a refresh or new usage changes none, and sorting 10,000 names is not free)."""
        if self._live is None or self._live_version != self.accounts.names_version:
            self._live = None
            self._settle.poke()

    def note_tests(self, tests: Iterable[Test]) -> None:
        """Remember who started these tests, so people and deleted accounts can be picked too. The latest
        answer names them: the server labels a test by its starter's name when asked, not when it ran."""
        changed = False
        starters = self._starters
        for t in tests:
            who, sb = who_of(t), t.started_by
            if who is None or sb is None or starters.get(who) == (seen := (sb.name, sb.is_service_account)):
                continue
            starters[who] = seen
            changed = True
        if changed:
            self._settle.poke()

    def renamed(self, account_id: int, identifier: str) -> None:
        """Renamed here: once deleted it is listed under this name, as its tests are (QA12)."""
        if (known := self._starters.get(account_id)) is not None and known[1] and known[0] != identifier:
            self._starters[account_id] = (identifier, True)
            self._settle.poke()

    def forget(self) -> None:
        """A new session: the last one's starters (people, deleted accounts) leave the list; Everyone again."""
        self._starters.clear()
        self._live = None
        self.combo.setCurrentIndex(0)
        self.rebuild()
        self._apply()

    def entries(self) -> list[tuple[Who | None, str]]:
        """(key, text) for everything after Everyone and People: live accounts, people, deleted accounts."""
        if self._live is None or self._live_version != self.accounts.names_version:
            # Sorting 10,000 names: only when the accounts changed, not per new starter.
            live = self.accounts.accounts_by_name()
            self._live = ([(a.id, a.identifier) for a in live], {a.id for a in live})
            self._live_version = self.accounts.names_version
        live_entries, live_ids = self._live
        people = sorted(
            ((who, name) for who, (name, is_account) in self._starters.items() if not is_account),
            key=lambda e: folded(e[1]),
        )
        deleted = sorted(
            (
                (who, f"{name} (deleted)")
                for who, (name, is_account) in self._starters.items()
                if is_account and who not in live_ids
            ),
            key=lambda e: folded(e[1]),
        )
        out: list[tuple[Who | None, str]] = list(live_entries)
        for section in (people, deleted):
            if section:
                if out:
                    out.append((SEPARATOR, ""))
                out.extend(section)
        return out

    def _settled(self) -> None:
        """The names sorted in this turn of the event loop (entries() keeps them), the list filled in the next:
        with 10,000 accounts the two were one 10-30 ms step."""
        self.entries()
        QTimer.singleShot(0, self, self.rebuild)

    def rebuild(self) -> None:
        entries = self.entries()
        keys = [k for k, _ in entries]
        names = [n for _, n in entries]
        if keys == self._keys and names == self._names:
            return
        current = self.choice()
        self.combo.blockSignals(True)
        # Keep the items that did not change (usually all 10,000 accounts when a deleted one turns up in
        # older tests) and replace the rest in one removal and one addItems per section.
        same = 0
        for old_key, old_name, key, name in zip(self._keys, self._names, keys, names, strict=False):
            if old_key != key or old_name != name:
                break
            same += 1
        self.combo.model().removeRows(FIXED + same, self.combo.count() - FIXED - same)
        start = same
        for i in range(same, len(keys) + 1):
            if i == len(keys) or keys[i] is SEPARATOR:
                add_names(self.combo, names[start:i])
                if i < len(keys):
                    self.combo.insertSeparator(self.combo.count())
                start = i + 1
        fit_lists(self.combo, names)
        self._keys, self._names = keys, names
        index = self.index_of(current)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        if index < 0:  # the chosen one is gone from every list: back to everyone
            self._apply()

    def choice(self) -> Who:
        """TestsProxy.ALL, TestsProxy.PEOPLE, a service account's id, or a person's key."""
        index = self.combo.currentIndex()
        if index >= FIXED:
            key = self._keys[index - FIXED]
            return key if key is not SEPARATOR else TestsProxy.ALL
        return self.combo.itemData(index) if index >= 0 else TestsProxy.ALL

    def index_of(self, who: Who) -> int:
        if who in (TestsProxy.ALL, TestsProxy.PEOPLE):
            return self.combo.findData(who)
        try:
            return FIXED + self._keys.index(who)
        except ValueError:
            return -1

    def show_account(self, account_id: int) -> None:
        self.show(account_id)

    def show(self, who: Who) -> None:
        if self.index_of(who) < 0:
            self.rebuild()  # it may have arrived within the last 300 ms
        self.combo.setCurrentIndex(self.index_of(who))

    def _apply(self, *_: Any) -> None:
        self.proxy.set_started_by(self.choice())
        self.changed.emit()
