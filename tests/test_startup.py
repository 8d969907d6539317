"""Start-up in the order a user sees it (issue #16): the first frame imports only what it paints, and what
the first screen needs is made ready beside it, so no import runs on the event loop while the user waits.

Each check runs in a fresh interpreter: this test process has imported everything long ago.
"""

from __future__ import annotations

import sys

import pytest

from helpers.processes import run_probe

# Needed only once the window is on screen: importing any of them before it delays the first frame.
AFTER_FIRST_FRAME = (
    "anyio",
    "asyncio",
    "httpcore",
    "httpx",
    "keyring",
    "qasync",
    "socket",
    "tbdesk.app",
    "tbdesk.controllers",
    "tbdesk.core.account_activity",  # the Activity tab's numbers: built when the tab is first shown
    "tbdesk.credentials",
    "tbdesk.gui.activity_panel",
    "tbdesk.gui.dialogs",
)
# The rest of the window: after its first frame too, once its layout was remembered (the first start measures
# its columns before it, with these).
AFTER_A_REMEMBERED_FRAME = (
    *AFTER_FIRST_FRAME,
    "tbdesk.gui.delegates",
    "tbdesk.gui.models",
    "tbdesk.gui.sizes",
    "tbdesk.gui.views",
    "tbdesk.gui.window_setup",
)

FIRST_FRAME_PROBE = """
import sys
import tbdesk.startup as startup

painted = startup.paint_first

def columns(model):
    from PySide6.QtCore import Qt

    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]

def paint_first(*args, **kwargs):
    window, shell = painted(*args, **kwargs)
    early = sorted(name for name in AFTER if name in sys.modules)  # before this probe imports anything
    import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
    # Made on first use: Qt's namespace is ~95 Python enums (~10 ms), QStyle's and QMenu's a few more.
    print("MADE", sorted(n for n, m in (("Qt", PySide6.QtCore), ("QStyle", PySide6.QtWidgets)) if n in vars(m)))
    print("EARLY", early, flush=True)
    # Classes tbdesk never uses: PySide6 sets them up only when it searches every class for an object's type
    # (the first unseen QWidget* or QPaintDevice* it wraps), ~8 ms each time, before the first frame.
    print("SET_UP", sorted(n for n in ("QWizard", "QFileDialog", "QPdfWriter", "QPicture")
                           if n in vars(PySide6.QtWidgets) or n in vars(PySide6.QtGui)), flush=True)
    print("FINISHED", [shell is not None], flush=True)
    print("WINDOW", [window.isVisible(), [a.text() for a in window.menuBar().actions()],
          columns(window.accounts_view.model()), columns(window.tests_view.model()),
          window.statusBar().currentMessage()], flush=True)
    combos = ("showCombo", "startedByCombo", "resultCombo", "buildCombo")
    print("CHOICES", [window.findChild(PySide6.QtWidgets.QComboBox, c).currentText() for c in combos], flush=True)
    if shell is not None:
        window.save_layout()  # the next start restores it
    raise SystemExit(0)

startup.paint_first = paint_first
from tbdesk.__main__ import main
main(["--api-url", "http://127.0.0.1:9/v1"])
"""


def first_frame(tmp_path, after: tuple[str, ...]) -> dict[str, object]:
    code = f"AFTER = {after!r}\n" + FIRST_FRAME_PROBE
    return run_probe(code, {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")})


def test_the_first_frame_shows_the_real_window_before_the_network_code_is_imported(tmp_path):
    for start, after in (("first", AFTER_FIRST_FRAME), ("next", AFTER_A_REMEMBERED_FRAME)):
        found = first_frame(tmp_path, after)
        assert found["EARLY"] == [], f"{start} start: imported before the first frame: {found['EARLY']}"
        assert found["SET_UP"] == [], "something before the first frame made PySide6 set up every Qt class"
        # The first start measures the columns (QStyle) before its first frame; the next restores them.
        assert found["FINISHED"] == [start == "first"]
        if start == "next":
            assert found["MADE"] == [], f"made before the first frame: {found['MADE']}"
        visible, menus, account_columns, test_columns, status = found["WINDOW"]  # type: ignore[misc]
        assert visible
        assert [m.replace("&", "") for m in menus] == ["File", "Account", "View", "Help"]
        assert "Identifier" in account_columns and "Key" in account_columns and "Secret" in account_columns
        assert "Started by" in test_columns
        assert status == "Starting…"
        # Each filter shows its choice from the first frame: an empty Show box that then widened moved the row.
        assert found["CHOICES"] == ["All accounts", "Everyone", "Any result", "Any build"]


FIRST_REQUEST_PROBE = """
import asyncio, os, sys
from tbdesk.api import Credentials
from tbdesk.api.client import TestingBotClient, warm_up

warm_up()  # what start-up does on a worker thread, beside reading the keyring

async def first_request():
    client = TestingBotClient(Credentials(os.environ["PROBE_KEY"], os.environ["PROBE_SECRET"]), os.environ["PROBE_URL"])
    before = set(sys.modules)
    user = await client.user()
    print("NEW", sorted(set(sys.modules) - before), flush=True)
    print("USER", [user.id > 0], flush=True)
    await client.aclose()

asyncio.run(first_request())
"""


@pytest.mark.slow
def test_the_first_request_imports_nothing_on_the_event_loop(socket_sandbox):
    sb = socket_sandbox
    found = run_probe(FIRST_REQUEST_PROBE, {"PROBE_KEY": sb.key, "PROBE_SECRET": sb.secret, "PROBE_URL": sb.url})
    assert found["USER"] == [True]
    assert found["NEW"] == [], f"imported by the first request, on the event loop: {found['NEW']}"


ROWS_FIRST_PROBE = """
import os
import tbdesk.ahead as helpers
import tbdesk.startup as startup
from PySide6.QtCore import QEvent, QObject

started, painted = helpers.start, startup.paint_first
seen = {"ahead": None, "shell": None, "painted": False}

def start(*args, **kwargs):
    seen["ahead"] = started(*args, **kwargs)
    return seen["ahead"]

def layout(view):  # what moves if the view is laid out after it was painted: its scroll bar and its columns
    header = view.horizontalHeader()
    return [view.verticalScrollBar().isVisible(), [header.sectionViewportPosition(i) for i in range(header.count())]]

class Painted(QObject):
    def eventFilter(self, watched, event):
        shell = seen["shell"]
        if event.type() == QEvent.Type.Paint and shell.accounts.rowCount():
            seen["painted"] = True
        if event.type() == QEvent.Type.Paint and shell.tests.rowCount() and "tests" not in seen:
            seen["tests"] = layout(shell.window.tests_view)  # the first frame with tests
        return False

watch = Painted()

def paint_first(*args, **kwargs):
    window, shell = painted(*args, **kwargs)  # a first start: the window is finished before its first frame
    seen["shell"] = shell
    os.waitpid(seen["ahead"].pid, 0)  # the helper is done by the first frame: its rows are read at once
    window.accounts_view.viewport().installEventFilter(watch)
    window.tests_view.viewport().installEventFilter(watch)
    return window, shell

def import_behind_window(modules):
    from PySide6.QtWidgets import QApplication

    print("ROWS", [seen["shell"].accounts.rowCount(), seen["painted"]], flush=True)
    for _ in range(3):
        QApplication.processEvents()
    print("TESTS", [seen["tests"], layout(seen["shell"].window.tests_view)], flush=True)
    raise SystemExit(0)

helpers.start, startup.paint_first, startup.import_behind_window = start, paint_first, import_behind_window
from tbdesk.__main__ import main
main(["--api-url", os.environ["PROBE_URL"]])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the start-up helper is Linux only")
def test_rows_read_by_the_first_frame_are_painted_before_the_imports_behind_it(socket_sandbox, tmp_path):
    # Painted during those imports, every Python call of the paint waited for the importing thread: the rows
    # showed ~45 ms after the first frame instead of ~25, the window answering nothing meanwhile.
    sb = socket_sandbox
    env = {"PROBE_URL": sb.url, "TESTINGBOT_KEY": sb.key, "TESTINGBOT_SECRET": sb.secret, "HOME": str(tmp_path)}
    found = run_probe(ROWS_FIRST_PROBE, {**env, "XDG_CONFIG_HOME": str(tmp_path / "config")})
    rows, painted = found["ROWS"]  # type: ignore[misc]
    assert rows > 0 and painted
    # Laid out before that frame: the tests' scroll bar is there and no column moves after it (QA10).
    first, settled = found["TESTS"]  # type: ignore[misc]
    assert first == settled and first[0] is True  # 100 tests need the scroll bar


LOADED_PROBE = """
import builtins, gc, os
real_print = builtins.print

def print(*args, **kwargs):
    real_print(*args, **kwargs)
    if args and str(args[0]).startswith("tbdesk: first paint"):
        real_print("PAINT", [gc.isenabled()], flush=True)

builtins.print = print
from tbdesk.__main__ import main
main(["--api-url", os.environ["PROBE_URL"], "--exit-when-loaded"])
real_print("AFTER", [gc.isenabled(), gc.get_freeze_count() > 0], flush=True)
"""


@pytest.mark.slow
def test_start_up_pauses_the_garbage_collector_only_while_it_builds_what_lives_as_long_as_the_app(
    socket_sandbox, tmp_path
):
    sb = socket_sandbox
    env = {"PROBE_URL": sb.url, "TESTINGBOT_KEY": sb.key, "TESTINGBOT_SECRET": sb.secret, "HOME": str(tmp_path)}
    found = run_probe(LOADED_PROBE, {**env, "XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert found["PAINT"] == [False]  # no full collection between the first frame and the first rows
    assert found["AFTER"] == [True, True]  # collecting again once start-up is done, its objects frozen


def test_the_paused_collector_is_restored_even_when_the_step_fails():
    import gc

    from tbdesk.core import collector

    assert gc.isenabled()
    gc.unfreeze()  # other tests' start-ups froze theirs
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled()
        kept = [[] for _ in range(10)]  # lists: objects the collector tracks
        raise RuntimeError("the step failed")
    assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # paused inside a pause (or with the collector off): left as it was
    finally:
        gc.enable()


CLOSED_PROBE = """
import os, time
import tbdesk.startup as startup
from PySide6.QtCore import QEvent, QObject, QTimer

painted = startup.paint_first
shown = []
later = int(os.environ["CLOSE_AFTER_MS"])
if later:  # a slow first warm-up: signing in is wired up and waiting on it when the window is closed
    import tbdesk.controllers.session as session

    warm_up = session._warm_up_quietly
    session._warm_up_quietly = lambda: (time.sleep(2 * later / 1000), warm_up())

class Shows(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Show:
            shown.append(1)
        return False

def close(window):
    window.close()
    window.installEventFilter(watch)

def paint_then_close(*args, **kwargs):
    window, shell = painted(*args, **kwargs)
    if later:
        QTimer.singleShot(later, lambda: close(window))
    else:
        close(window)  # before the rest of start-up (or of the window, once its layout is remembered) is made
    return window, shell

watch = Shows()
startup.paint_first = paint_then_close
from tbdesk.__main__ import main
print("RETURNED", [main(["--api-url", os.environ["PROBE_URL"]])], flush=True)
print("SHOWN_AGAIN", [len(shown)], flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("after_ms", [0, 400], ids=["before-wired-up", "while-signing-in"])
def test_closing_the_window_during_start_up_quits_cleanly(socket_sandbox, tmp_path, after_ms):
    """Not left running with no window; not shown again on its way out (QA7); nothing reported as an unexpected
    error as it exits (QA8: "Task was destroyed but it is pending!" when closed during the warm-up)."""
    sb = socket_sandbox
    env = {"PROBE_URL": sb.url, "TESTINGBOT_KEY": sb.key, "TESTINGBOT_SECRET": sb.secret, "HOME": str(tmp_path)}
    for _start in ("first", "next"):  # the next start paints the form before the rest of the window is made
        found = run_probe(
            CLOSED_PROBE, {**env, "XDG_CONFIG_HOME": str(tmp_path / "config"), "CLOSE_AFTER_MS": str(after_ms)}
        )
        assert found["RETURNED"] == [0]
        assert found["SHOWN_AGAIN"] == [0]
        assert "unexpected error" not in str(found["stderr"]), found["stderr"]
