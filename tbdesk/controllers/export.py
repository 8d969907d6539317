"""Exporting the tests shown (with the filters applied) to a CSV file the user picks."""

from __future__ import annotations

from PySide6.QtCore import QObject

from ..api.models import Test
from ..core.export import write_csv
from ..gui.messages import MessageBridge
from ..gui.models import TestsProxy
from ..gui.tests_export import ask_csv_path
from ..gui.window import MainWindow
from .activity import off_loop
from .tasks import TaskRunner


class TestsExport(QObject):
    __test__ = False  # not a pytest class

    def __init__(
        self,
        runner: TaskRunner,
        window: MainWindow,
        messages: MessageBridge,
        proxy: TestsProxy,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.window, self.messages, self.proxy = runner, window, messages, proxy

    def export(self) -> None:
        tests = self.proxy.shown_tests()  # what the user sees now, not what polling adds while choosing
        model = self.proxy.sourceModel()
        loaded, total = model.rowCount(), getattr(model, "total", 0)
        # The export covers the loaded tests only: the message says so when some are not loaded yet.
        note = f" (of the {loaded} loaded tests; {total - loaded} not loaded)" if loaded < total else ""
        ask_csv_path(self.window, self.window.settings, lambda path: self._save(path, tests, note))

    def _save(self, path: str, tests: list[Test], note: str = "") -> None:
        self.runner.spawn("export", self._write(path, tests, note), replace=False)

    async def _write(self, path: str, tests: list[Test], note: str = "") -> None:
        try:
            count = await off_loop(write_csv, path, tests)
        except OSError as exc:
            self.messages.error(f"Could not save {path}: {exc.strerror or exc}")
            return
        self.messages.info(f"Saved {count} tests{note} to {path}.")
