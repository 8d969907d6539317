"""tbdesk: python -m tbdesk, or the `tbdesk` launcher."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import signal
import sys
import threading
from typing import Any

from . import __version__


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="tbdesk", description="Manage a TestingBot team's service accounts.")
    p.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local sandbox server and sign in to it (no TestingBot account needed)",
    )
    p.add_argument(
        "--sandbox-db", metavar="PATH", help="the sandbox's SQLite file, or :memory: (default: in the user data folder)"
    )
    p.add_argument("--api-url", metavar="URL", help="the API to use (default: https://api.testingbot.com/v1)")
    p.add_argument("--profile", metavar="NAME", help="a stored profile (key and secret in the system keyring)")
    p.add_argument("--verbose", action="store_true", help="debug logging (secrets are still redacted)")
    p.add_argument(
        "--install-desktop",
        action="store_true",
        help="add tbdesk to the desktop's application menu (XDG folders of this user) and exit",
    )
    p.add_argument("--version", action="version", version=f"tbdesk {__version__}")
    p.add_argument("--exit-when-loaded", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--announce-start", action="store_true", help=argparse.SUPPRESS)  # the benchmark's idle run
    return p.parse_args(argv)


def install_quit_signals(desk: Any) -> None:
    """SIGTERM and SIGINT quit as Ctrl+Q does; asked twice, or still alive 1.8 s after the first time, the
    process ends at once (the sandbox child is killed first). The handlers run on the main thread."""
    from PySide6.QtCore import QTimer

    def hard_exit() -> None:
        with contextlib.suppress(Exception):
            if desk.sandbox is not None:
                desk.sandbox.kill_now()
        os._exit(0)

    def on_signal(_signum: int, _frame: Any) -> None:
        if desk.shutdown.closing:
            hard_exit()
        QTimer.singleShot(0, desk.shutdown.quit)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)

    # A keyring prompt or a stuck thread must not keep a quitting tbdesk alive.
    def arm() -> None:
        timer = threading.Timer(1.8, hard_exit)
        timer.daemon = True  # a normal exit does not wait for it
        timer.start()

    desk.shutdown.quitting.connect(arm)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--sandbox-server"]:  # how a frozen build runs its own sandbox child
        from .sandbox.cli import main as sandbox_main

        return sandbox_main(argv[1:])
    args = parse_args(argv)
    # Until the window's own handlers are in (install_quit_signals), Ctrl+C ends start-up at once, as SIGTERM
    # does: Python's KeyboardInterrupt raised inside one of Qt's callbacks would be printed and ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if args.install_desktop:
        from .desktop import install

        for path in install():
            print(f"installed {path}")
        return 0

    # Regular expressions come compiled from the start before (regex_cache.py): PySide6's import alone
    # compiles ~10 ms of them. The helper forked meanwhile uses them too.
    from .regex_cache import regexes_once

    with regexes_once("start-up"):
        # The first screen is asked for by a helper process while this one paints the window (on Linux; fork
        # before Qt or any thread exists). With --sandbox there is no server to ask yet.
        from .ahead import start as start_ahead

        ahead = None if args.sandbox else start_ahead(args.api_url, args.profile)
        if ahead is not None:
            atexit.register(ahead.cancel)

        from .core import collector

        # Bounded: the first frame and the imports behind it make objects for the app's lifetime, not garbage.
        with collector.paused():
            from .signature_cache import compiled_once

            with compiled_once():  # PySide6's own support code, as compiled at an earlier start
                from PySide6.QtCore import QSettings
            from PySide6.QtWidgets import QApplication

            from .gui.first_frame import app_icon
            from .startup import AheadReader, EarlyFilter, import_behind_window, show_window, wake_on_signals

            app = QApplication(sys.argv[:1])
            app.setApplicationName("tbdesk")
            app.setOrganizationName("tbdesk")
            app.setApplicationVersion(__version__)
            app.setDesktopFileName("io.github.tbdesk.tbdesk")
            app.setWindowIcon(app_icon())
            app.setQuitOnLastWindowClosed(False)  # quitting waits for the client and the sandbox to close
            settings = QSettings()
            announce = args.exit_when_loaded or args.announce_start
            shell = show_window(settings, announce=announce)
            early = EarlyFilter(shell)  # a filter typed before signing in is wired up: applied once signed in
            reader = AheadReader(ahead, shell, announce) if ahead is not None else None  # shows its rows when read

            # Only now what signing in needs: asyncio, httpx, the keyring and the controllers (a third of start-up),
            # imported on a worker thread while the painted window keeps answering.
            # httpx imports its command-line tool (click) whenever click is installed, and uvicorn (the sandbox's
            # server) installs it: ~10 ms tbdesk never uses. A None entry makes that import fail as if click were
            # missing, so httpx keeps its stub `main` (as in the frozen build, which leaves the tool out).
            sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
            with reader.held() if reader is not None else contextlib.nullcontext():
                import_behind_window(["qasync", "tbdesk.app", "tbdesk.credentials", "tbdesk.gui.crash", "tbdesk.logs"])
    import asyncio

    import qasync

    from .app import Options, TbDesk
    from .credentials import CredentialStore
    from .gui import crash
    from .logs import setup_logging

    setup_logging(args.verbose)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    sandbox_args = ["--db", args.sandbox_db] if args.sandbox_db else []
    options = Options(
        api_url=args.api_url,
        profile=args.profile,
        sandbox=args.sandbox,
        sandbox_args=sandbox_args,
        exit_when_loaded=args.exit_when_loaded,
        announce_start=announce,
        **Options.from_settings(settings),
    )
    desk = TbDesk(options, CredentialStore(), settings, shell=shell, ahead=reader)
    crash.install(lambda: desk.window)
    loop.set_exception_handler(
        lambda _loop, ctx: sys.excepthook(
            type(ctx.get("exception") or RuntimeError()), ctx.get("exception") or RuntimeError(ctx["message"]), None
        )
    )
    install_quit_signals(desk)
    closed = not desk.window.isVisible()  # closed while the rest of start-up loaded: nothing listened yet
    wakeup = wake_on_signals(app)  # noqa: F841 - alive while the loop runs
    atexit.register(lambda: desk.sandbox.kill_now() if desk.sandbox else None)

    async def start() -> None:
        try:
            await desk.start()
        except Exception as exc:  # the sandbox failed to start, or a bug: say so, then wait for the user
            sys.excepthook(type(exc), exc, exc.__traceback__)
        else:
            early.finish(signed_in=desk.loaded.is_set())

    async def run() -> int:
        if closed:  # quit as closing does, without signing in (or showing the window again) first
            desk.shutdown.quit()
            await desk.closed.wait()
            return 0
        # Starting may wait on the sign-in dialog; quitting must not wait for it.
        starting = asyncio.ensure_future(start())
        await desk.closed.wait()
        starting.cancel()
        return 0

    with loop:
        return loop.run_until_complete(run())


if __name__ == "__main__":
    raise SystemExit(main())
