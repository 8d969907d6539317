"""The result, build and name filters beside "Started by" (gui.started_by); all four combine in one
filters.TestQuery on the tests proxy, which keeps them while polling adds and updates rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit

from ..api.models import Test
from ..core.activity import RESULTS
from ..core.filters import ALL, NO_BUILD
from .debounce import Debounce
from .models import TestsProxy
from .searchable import add_names, fit_lists

BUILD_FIXED = 3  # Any build, (no build), a separator


class TestFilters(QObject):
    __test__ = False  # not a pytest class
    changed = Signal()

    def __init__(
        self, result: QComboBox, build: QComboBox, text: QLineEdit, proxy: TestsProxy, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.result, self.build, self.text, self.proxy = result, build, text, proxy
        result.addItem("Any result", ALL)
        for name in RESULTS:
            result.addItem(name.capitalize(), name)
        build.addItem("Any build", ALL)
        build.addItem("(no build)", NO_BUILD)
        build.insertSeparator(2)
        self._builds: list[str] = []
        self._seen: dict[str, float] = {}  # build -> its newest test (a timestamp): newest builds first
        result.currentIndexChanged.connect(self._apply)
        build.currentIndexChanged.connect(self._apply)
        text.textChanged.connect(self._apply)
        self._settle = Debounce(self._rebuild_builds, parent=self)

    def note_tests(self, tests: Iterable[Test]) -> None:
        """Offer the builds of these tests in the build list (rebuilt once they settle)."""
        grew = False
        for t in tests:
            if not t.build:
                continue
            when = t.created_at.timestamp() if t.created_at else 0.0
            if when > self._seen.get(t.build, -1.0):
                self._seen[t.build] = when
                grew = True
        if grew:
            self._settle.poke()

    def _rebuild_builds(self) -> None:
        current = self.build_choice()
        builds = sorted(self._seen, key=lambda b: (-self._seen[b], b.casefold()))  # the newest first
        if builds == self._builds:
            return
        self.build.blockSignals(True)
        while self.build.count() > BUILD_FIXED:
            self.build.removeItem(self.build.count() - 1)
        add_names(self.build, builds)  # in the order of _builds, which the choice is read from
        fit_lists(self.build, builds)
        self._builds = builds
        self.build.setCurrentIndex(self._build_index(current))
        self.build.blockSignals(False)

    def build_choice(self) -> str:
        index = self.build.currentIndex()
        if index >= BUILD_FIXED:
            return self._builds[index - BUILD_FIXED]
        data = self.build.itemData(index) if index >= 0 else ALL
        return data if isinstance(data, str) else ALL

    def _build_index(self, build: str) -> int:
        if build in (ALL, NO_BUILD):
            return self.build.findData(build)
        try:
            return BUILD_FIXED + self._builds.index(build)
        except ValueError:
            return 0

    def clear(self) -> None:
        """Every test again (Started by is cleared by its own filter), applied once."""
        for widget in (self.result, self.build):
            widget.blockSignals(True)
        self.result.setCurrentIndex(0)
        self.build.setCurrentIndex(0)
        for widget in (self.result, self.build):
            widget.blockSignals(False)
        # The name field keeps its signals: its own clear button hides on textChanged (blocked, it stayed
        # on an empty field). Disconnected meanwhile, so the filter is still applied once.
        self.text.textChanged.disconnect(self._apply)
        try:
            self.text.clear()
        finally:
            self.text.textChanged.connect(self._apply)
        self._apply()

    def forget(self) -> None:
        """A new session: the last one's builds are not offered, and every test shows."""
        self._seen.clear()
        self._rebuild_builds()
        self.clear()

    def _apply(self, *_: Any) -> None:
        result = self.result.currentData()
        self.proxy.set_query(
            self.proxy.query.with_(
                result=result if isinstance(result, str) else ALL, build=self.build_choice(), text=self.text.text()
            )
        )
        self.changed.emit()
