"""The "Started by" list above the tests: Everyone, people, then one entry per service account."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QComboBox

from .models import AccountsModel, TestsProxy

FIXED = 3  # Everyone, People, a separator


class StartedByFilter(QObject):
    """Keeps the combo in step with the accounts and applies the choice to the tests proxy.

    Names go in with one addItems call and the ids live in a parallel list: item-by-item additions of
    10,000 accounts took 30 ms, and a large load changes the accounts 20 times, so rebuilding also waits
    for 300 ms without changes."""

    changed = Signal()

    def __init__(self, combo: QComboBox, proxy: TestsProxy, accounts: AccountsModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.combo, self.proxy, self.accounts = combo, proxy, accounts
        self._ids: tuple[int, ...] = ()
        self._names: list[str] = []
        combo.addItem("Everyone", TestsProxy.ALL)
        combo.addItem("People (team members)", TestsProxy.PEOPLE)
        combo.insertSeparator(2)
        combo.currentIndexChanged.connect(self._apply)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.rebuild)

    def schedule(self) -> None:
        """The accounts changed: rebuild once they settle."""
        self._timer.start()

    def rebuild(self) -> None:
        accounts = sorted(self.accounts.accounts(), key=lambda a: a.identifier.casefold())
        ids = tuple(a.id for a in accounts)
        names = [a.identifier for a in accounts]
        if ids == self._ids and names == self._names:
            return
        current = self.choice()
        self.combo.blockSignals(True)
        while self.combo.count() > FIXED:
            self.combo.removeItem(self.combo.count() - 1)
        self.combo.addItems(names)
        self._ids, self._names = ids, names
        index = self.index_of(current)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        if index < 0:  # the chosen account is gone: back to everyone
            self._apply()

    def choice(self) -> str | int:
        """TestsProxy.ALL, TestsProxy.PEOPLE, or a service account's id."""
        index = self.combo.currentIndex()
        if index >= FIXED:
            return self._ids[index - FIXED]
        return self.combo.itemData(index) if index >= 0 else TestsProxy.ALL

    def index_of(self, who: str | int) -> int:
        if isinstance(who, str):
            return self.combo.findData(who)
        try:
            return FIXED + self._ids.index(who)
        except ValueError:
            return -1

    def show_account(self, account_id: int) -> None:
        self.combo.setCurrentIndex(self.index_of(account_id))

    def _apply(self, *_: Any) -> None:
        self.proxy.set_started_by(self.choice())
        self.changed.emit()
