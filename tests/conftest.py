from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Imported before any window exists: tbdesk calls gc.freeze() once loaded, and frozen objects are invisible
# to the referrer check that Hypothesis runs on plugins (trio's) when it is first imported.
import hypothesis  # noqa: F401
import pytest

from helpers.leaks import LeakCheck
from helpers.sandbox import Sandbox, asgi_sandbox, process_sandbox


@pytest.fixture(scope="session")
def socket_sandbox():
    """One real sandbox process for the session; tests that change shared state make their own rows."""
    with process_sandbox("--db", ":memory:") as sb:
        yield sb


@pytest.fixture(params=["asgi", "socket"])
def sandbox(request) -> Sandbox:
    """The same API, in-process (ASGI) and over a real socket."""
    if request.param == "asgi":
        return asgi_sandbox()
    return request.getfixturevalue("socket_sandbox")


class _Collector(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


@pytest.fixture
def leakcheck():
    from tbdesk.redact import SECRETS

    check = LeakCheck()
    root = logging.getLogger()
    handler, old_level = _Collector(check.records), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # httpx/httpcore debug logging too: they must not leak either
    try:
        yield check
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    secrets = check.values | SECRETS.known
    assert secrets, "the leak check saw no credentials at all"
    assert not check.leaks(secrets), f"credentials reached a log or an exception message: {check.leaks(secrets)}"


@pytest.fixture
def gui(qapp, qtbot, tmp_path, monkeypatch):
    """A qasync loop for this test only; any exception the loop sees fails the test at teardown."""
    import asyncio

    import qasync

    from helpers.gui import Harness

    class Loop(qasync.QEventLoop):
        """Tasks step whenever Qt processes events: in qtbot's waits between runs, and in the processEvents
        qasync does after each run. In the app the loop runs for its whole life, so asyncio always sees it
        running; here too, or a task stepped then finds no loop (flaky 'None has no create_future')."""

        def run_forever(self) -> int:
            try:
                return super().run_forever()
            finally:
                asyncio.events._set_running_loop(self)

    qapp.setQuitOnLastWindowClosed(False)
    loop = Loop(qapp)
    errors: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    harness = Harness(loop, tmp_path, monkeypatch)
    try:
        yield harness
    finally:
        harness.close_all()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
        loop.close()
    assert not errors, f"the event loop saw exceptions: {errors}"


def pytest_terminal_summary(terminalreporter):
    """The fault matrix as a table, when any of its cells ran."""
    from helpers import matrix

    for line in matrix.summary():
        terminalreporter.write_line(line)
