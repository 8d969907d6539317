"""Read tbdesk's window through AT-SPI, as Orca does. Runs under the SYSTEM python (Debian's python3-pyatspi
is not on PyPI) inside a private D-Bus session on a private X display; test_atspi.py starts it:

    dbus-run-session -- /usr/bin/python3 tests/atspi_probe.py VENV_PYTHON WORKDIR

Starts tbdesk on its own sandbox with Qt's AT-SPI bridge on, waits until the accounts table has rows,
reads names off the tree, then types Ctrl+F, Down, Ctrl+Shift+B with xdotool and records the focus moves
and announcements it hears. Prints one JSON object (stages go to stderr). Standard library and pyatspi
only: nothing from the project's virtual environment.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyatspi  # type: ignore[import-not-found]  # asks the session bus for org.a11y.Bus: D-Bus starts it
from gi.repository import GLib  # type: ignore[import-not-found]

TOOLBAR = ("Add", "Rename", "Rotate access key", "Delete", "Refresh")
# Roles a user acts on; table cells and list items are not entered (their names are checked in-process).
ACTIONABLE_ROLES = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "page tab",
    "menu item",
    "spin button",
    "slider",
    "table",
    "list",
}
events: list[tuple[str, str, str]] = []  # (type, source name, detail)


def stage(text: str) -> None:
    print(f"atspi_probe: {text}", file=sys.stderr, flush=True)


def pump() -> None:
    """Deliver what the accessibility bus has sent us (event callbacks run here)."""
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def wait(what: str, condition: Any, timeout: float = 40.0) -> Any:
    stage(f"waiting for {what}")
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        pump()
        try:
            value = condition()
        except Exception as exc:  # objects come and go while the window fills
            last, value = exc, None
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}" + (f" (last error: {last})" if last else ""))


def find_all(root: Any, keep: Any, limit: int = 3000) -> list[Any]:
    """Breadth-first; the cells of tables and the items of lists are not entered (they are many and alike)."""
    found, queue, seen = [], [root], 0
    while queue and seen < limit:
        node = queue.pop(0)
        seen += 1
        if node is None:
            continue
        if keep(node):
            found.append(node)
        if node.getRoleName() not in ("table", "list"):
            queue.extend(node.getChildAtIndex(i) for i in range(node.childCount))
    return found


def app_of(pid: int) -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.get_process_id() == pid and app.childCount:
            return app
    return None


def record(event: Any) -> None:
    try:
        source = event.source.name if event.source is not None else ""
    except Exception:  # the source may be gone already
        source = ""
    state_change = event.type.startswith("object:state-changed")
    events.append((event.type, source, str(event.detail1) if state_change else str(event.any_data)))


def heard(kind: str, source: str | None = None) -> list[str]:
    """Announcements' texts, or the focus moves (gained only) to `source`."""
    return [
        d
        for t, s, d in events
        if t.startswith(kind) and (source is None or s == source) and (d == "1" or "focused" not in kind)
    ]


def read_tree(pid: int, result: dict[str, Any]) -> None:
    app = wait("tbdesk on the accessibility bus", lambda: app_of(pid))
    frame = wait("its main window", lambda: next(iter(find_all(app, lambda n: n.getRoleName() == "frame")), None))
    result["window"] = frame.name

    def tables() -> dict[str, Any] | None:
        found = {t.name: t for t in find_all(frame, lambda n: n.getRoleName() == "table")}
        accounts = found.get("Service accounts")
        return found if accounts is not None and accounts.queryTable().nRows > 0 else None

    found = wait("service accounts in the table", tables)
    result["tables"] = {name: t.queryTable().nRows for name, t in found.items()}
    accounts = found["Service accounts"].queryTable()
    result["account_headers"] = [accounts.getColumnHeader(c).name for c in range(accounts.nColumns)]
    key_col = result["account_headers"].index("Key")
    cell = accounts.getAccessibleAt(0, key_col)
    result["key_cell"] = {"name": cell.name, "description": cell.description}
    buttons = find_all(frame, lambda n: n.getRoleName() == "push button" and n.name in TOOLBAR)
    result["toolbar"] = sorted({b.name for b in buttons})

    def actionable(n: Any) -> bool:
        state = n.getState()
        return state.contains(pyatspi.STATE_SHOWING) and (
            state.contains(pyatspi.STATE_FOCUSABLE) or n.getRoleName() in ACTIONABLE_ROLES
        )

    shown = find_all(frame, actionable)
    result["actionable"] = len(shown)
    result["focusable_unnamed"] = [n.getRoleName() for n in shown if not n.name.strip()]


def type_keys(pid: int, result: dict[str, Any]) -> None:
    """Ctrl+F (the filter), Down (into the accounts), Ctrl+Shift+B (reveal the key): each waited for."""

    def our_window() -> list[str]:
        out = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--pid", str(pid), "--name", "tbdesk"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.split()

    window = wait("the window on the X display", our_window)[-1]
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False, timeout=10)
    for keys, what, done in (
        ("ctrl+f", "focus in the filter box", lambda: heard("object:state-changed:focused", FILTER)),
        ("Down", "focus in the accounts table", lambda: heard("object:state-changed:focused", "Service accounts")),
        ("ctrl+shift+b", "an announcement", lambda: heard("object:announcement")),
    ):
        subprocess.run(["xdotool", "key", "--clearmodifiers", keys], check=False, timeout=10)
        wait(what, done, timeout=15)
    result["focused"] = [s for t, s, d in events if t.startswith("object:state-changed:focused") and d == "1"]
    result["announcements"] = heard("object:announcement")


FILTER = "Filter service accounts by identifier"


def main() -> int:
    faulthandler.dump_traceback_later(120, exit=False)  # a hung probe shows where, in the test's output
    venv_python, workdir = sys.argv[1], Path(sys.argv[2])
    result: dict[str, Any] = {}
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("the probe ran out of time")))
    signal.alarm(150)
    env = dict(
        os.environ,
        QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",  # the bridge on without a screen reader asking for it
        QT_QPA_PLATFORM="xcb",
        XDG_DATA_HOME=str(workdir / "data"),  # its own sandbox database, settings and log
        XDG_CONFIG_HOME=str(workdir / "config"),
        XDG_STATE_HOME=str(workdir / "state"),
        XDG_CACHE_HOME=str(workdir / "cache"),
        HOME=str(workdir),
    )
    for name in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET"):
        env.pop(name, None)
    for kind in ("object:announcement", "object:state-changed:focused"):
        pyatspi.Registry.registerEventListener(record, kind)
    with open(workdir / "app.log", "wb") as log:
        app = subprocess.Popen([venv_python, "-m", "tbdesk", "--sandbox"], env=env, stdout=log, stderr=log)
        try:
            read_tree(app.pid, result)
            type_keys(app.pid, result)
        except Exception as exc:  # reported in the JSON, with the app's output
            result["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            signal.alarm(0)
            app.terminate()
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                app.kill()
    result["app_log_tail"] = (workdir / "app.log").read_text(errors="replace")[-1500:]
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
