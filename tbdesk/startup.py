"""Start-up in the order a user sees it: the window painted first, everything else behind it (issue #16).

The first frame is the window as ui/main_window.ui has it, built by Qt (gui/first_frame.py); the rest of the
window, its models and views follow it, then asyncio, httpx, the keyring and the controllers are imported on a
worker thread while the painted window keeps handling its events. The first screen, asked for meanwhile by a
helper process (tbdesk/ahead.py), is shown as soon as it is read.
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QSocketNotifier, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from .api.errors import ApiError
from .gui.first_frame import load_window, remembered
from .gui.laid_out import lay_out_now
from .gui.window import MainWindow

if TYPE_CHECKING:
    import socket

    from PySide6.QtWidgets import QAbstractItemView

    from .ahead import Ahead, Fetched
    from .gui.views import Shell

FIRST_PAINT_MARK = "tbdesk: first paint"  # printed with --exit-when-loaded: what the benchmark waits for


class _Painted(QObject):
    """Calls back once, after the first paint pass of the watched widget and its children is done."""

    done = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.done.emit)  # the children paint in the same pass, before this runs
        return False


def paint_first(settings: QSettings, announce: bool = False) -> tuple[MainWindow, Shell | None]:
    """Show the main window and return once it is on screen: as the form has it with its remembered layout,
    and the window's Shell (None: to be made now, with the window on screen). A first start has no layout to
    restore: the window is finished first, its default column widths measured (with QStyle) before it shows."""
    window = load_window(settings)
    shell = None
    if not remembered(settings):
        from .gui.views import Shell

        shell = Shell(settings, window)
    window.statusBar().showMessage("Starting…", 8000)  # signing in follows at once
    painted = _Painted(window)
    wait = QEventLoop()
    painted.done.connect(wait.quit)
    window.installEventFilter(painted)
    window.show()
    QTimer.singleShot(2000, wait.quit)  # a platform that never paints (none known) must not hang start-up
    wait.exec()
    if announce:
        print(FIRST_PAINT_MARK, flush=True)
    return window, shell


def show_window(settings: QSettings, announce: bool = False) -> Shell:
    """The window painted first (paint_first), then the rest of it made with it on screen: its modules imported
    behind it, then its models and views."""
    window, shell = paint_first(settings, announce)
    if shell is None:
        import_behind_window(["tbdesk.gui.views"])
        from .gui.views import Shell

        shell = Shell(settings, window)
        # The window answers before the helper's rows are shown: making the rest of it and showing them were
        # one ~25 ms stall.
        QApplication.processEvents()
    return shell


class _Imported(QObject):
    done = Signal()


def import_behind_window(modules: Iterable[str]) -> None:
    """Import `modules` on a worker thread while this thread keeps the window responsive.

    Python switches threads every few milliseconds, so paint and input events still run during the imports;
    an import error is raised here, on the main thread, as if the import had been done in place.
    """
    names = [name for name in modules if name not in sys.modules]
    if not names:
        return
    errors: list[BaseException] = []
    imported = _Imported()
    wait = QEventLoop()
    imported.done.connect(wait.quit)  # queued: emitted on the worker, received here

    def work() -> None:
        try:
            for name in names:
                importlib.import_module(name)
        except BaseException as exc:  # re-raised on the main thread below
            errors.append(exc)
        finally:
            imported.done.emit()

    worker = threading.Thread(target=work, name="tbdesk-imports", daemon=True)
    worker.start()
    wait.exec()
    worker.join()
    if errors:
        raise errors[0]


def wake_on_signals(app: QApplication) -> tuple[socket.socket, socket.socket, QSocketNotifier]:
    """Run Python's signal handlers as soon as a signal arrives, with no timer waking the process.

    Python only runs a handler when the interpreter gets control back; while Qt sleeps in its event loop it
    would not. The C-level handler writes to a socket that Qt watches, so Qt wakes just then (instead of a
    timer waking tbdesk 10 times a second, idle or not).
    """
    import socket  # after the first frame: it is not needed to paint

    receive, send = socket.socketpair()
    receive.setblocking(False)
    send.setblocking(False)
    signal.set_wakeup_fd(send.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(receive.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        with contextlib.suppress(OSError):
            receive.recv(256)

    notifier.activated.connect(drain)
    return receive, send, notifier  # the caller keeps them for as long as the app runs


class AheadReader(QObject):
    """Reads the start-up helper's pipe whenever Qt finds it readable; `arrived` once, when it is done."""

    arrived = Signal()

    def __init__(self, ahead: Ahead, shell: Shell, announce: bool) -> None:
        super().__init__(shell)
        self.ahead, self.shell, self.announce = ahead, shell, announce
        self._notifier = QSocketNotifier(ahead.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)
        self._read(early=True)  # at once: the helper is usually done before the window is painted

    @property
    def done(self) -> bool:
        return self.ahead.done

    @property
    def fetched(self) -> Fetched | None:
        return self.ahead.fetched

    def _readable(self) -> None:
        self._read(early=False)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Not read meanwhile (the imports behind the window): shown during them, the rows waited for the
        importing thread at every step. Read once it is over, if they came meanwhile."""
        self._notifier.setEnabled(False)
        yield
        if not self.done:
            self._read(early=True)
            self._notifier.setEnabled(not self.done)

    def _read(self, early: bool) -> None:
        if self.ahead.read():
            self._notifier.setEnabled(False)
            show_ahead(self.shell, self.ahead.fetched, self.announce, first_turn=early)
            self.arrived.emit()

    def cancel(self) -> None:
        self._notifier.setEnabled(False)
        self.ahead.cancel()


def show_ahead(shell: Shell, fetched: Fetched | None, announce: bool, first_turn: bool = False) -> bool:
    """Show the helper's first screen in the window, before signing in is wired up; True when shown.

    Only a screen signing in would show as it is: not a service account's (refused), not a refused accounts
    request (its notice is worded by the controllers). Signing in then takes these rows as they are.

    The rows are laid out and painted before this returns, the accounts then the tests (~10 ms each): painted
    by the event loop later, while another thread imports (behind the window, or the client's warm-up), each
    of the paint's calls into Python waited for that thread to let go of Python's lock; the rows showed
    ~45 ms after the first frame instead of ~25, the window answering nothing meanwhile. `first_turn` (read
    right after the first frame, before the imports behind it): the window's events are handled between the
    two and after, so what the views put off to their next turn is done before those imports too.
    """
    screen = fetched.screen if fetched is not None else None
    if screen is None or screen.user.is_service_account or isinstance(screen.accounts, ApiError):
        return False
    window = shell.window
    screen.shown = True
    shell.accounts.set_accounts(screen.accounts.items)
    window.show_empty(not shell.accounts.rowCount())
    if shell.accounts_proxy.rowCount():  # the first row, as every sign-in starts
        window.accounts_view.setCurrentIndex(shell.accounts_proxy.index(0, 0))
    window.show_message("info", "Signing in…")  # the actions come on once it is done
    _paint(window, window.accounts_view, first_turn)
    shell.tests.reset(screen.tests.items, screen.tests.total)
    window.show_tests_empty("")
    _paint(window, window.tests_view, first_turn)
    if announce:  # the rows are on screen before we say so
        print(f"tbdesk: loaded {shell.accounts.rowCount()} accounts and {shell.tests.rowCount()} tests", flush=True)
    return True


def _paint(window: QWidget, view: QAbstractItemView, handle_events: bool) -> None:
    lay_out_now(view)  # a table replaces "Loading…", with the scroll bar it needs
    window.repaint()
    if handle_events:  # a key pressed or a click meanwhile
        QApplication.processEvents()


class EarlyFilter(QObject):
    """The filter typed between the first frame and signing in (the rows may show before it is wired up)
    applies once signed in: the box showed it, and a key pasted there must be checked. Keys meant for actions
    are not kept for later: what needs a session is off until signed in (MainWindow), and replaying an early
    key later acted on what was current by then, or twice (QA7, QA8)."""

    def __init__(self, shell: Shell) -> None:
        super().__init__(shell)
        self.window = shell.window

    def finish(self, signed_in: bool) -> None:
        if signed_in and (text := self.window.filter_edit.text()):
            self.window.filter_edit.textChanged.emit(text)  # typed before anything filtered
