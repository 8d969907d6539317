"""tbdesk-sandbox: run the local TestingBot-compatible server."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import platformdirs
import uvicorn

from .app import create_app
from .child import OWNER_SECRET_ENV, PARENT_ENV, READY
from .faults import Faults
from .seed import seed
from .simulate import simulate
from .store import DatabaseUnusable, Store, StoreError


def default_db() -> str:
    folder = Path(platformdirs.user_data_dir("tbdesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "sandbox.db")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="tbdesk-sandbox", description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8717, help="port; 0 picks a free one (default: 8717)")
    p.add_argument("--db", default=None, help="SQLite file, or :memory: (default: in the user data folder)")
    p.add_argument("--owner-key", help="the team owner's key (default: from the seed)")
    p.add_argument(
        "--owner-secret",
        help=f"the team owner's secret (default: --owner-secret-file, ${OWNER_SECRET_ENV}, or from the seed); "
        "an argument is visible to every local user, the other two are not",
    )
    p.add_argument("--owner-secret-file", metavar="PATH", help="read the owner's secret from this file")
    p.add_argument("--seed", type=int, default=1, help="seed for the generated data (default: 1)")
    p.add_argument("--seed-accounts", type=int, default=6, help="service accounts to seed (default: 6)")
    p.add_argument("--seed-tests", type=int, default=300, help="tests to seed (default: 300)")
    p.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay added to every request")
    p.add_argument("--error-rate", type=float, default=0.0, metavar="P", help="fraction answered 503")
    p.add_argument(
        "--rate-limit",
        type=int,
        default=2000,
        help="requests per account (per client address when not signed in) per 5 minutes",
    )
    p.add_argument("--simulate", action="store_true", help="start and finish tests every few seconds")
    args = p.parse_args(argv)
    if args.owner_secret is None and args.owner_secret_file:
        try:
            with open(args.owner_secret_file, encoding="utf-8") as f:
                args.owner_secret = f.readline().strip()
        except (OSError, UnicodeDecodeError) as exc:
            p.error(f"cannot read --owner-secret-file: {getattr(exc, 'strerror', None) or exc}")
    from_env = os.environ.pop(OWNER_SECRET_ENV, None)  # read once; not passed on to anything we start
    if args.owner_secret is None and from_env:
        args.owner_secret = from_env
    if args.owner_secret == "":
        p.error("the owner's secret is empty")
    if (args.owner_key is None) != (args.owner_secret is None):
        p.error("--owner-key and --owner-secret go together")
    if not 0 <= args.error_rate <= 1:
        p.error("--error-rate is a fraction from 0 to 1")
    if args.seed_accounts < 0 or args.seed_tests < 0 or args.rate_limit < 1 or args.latency < 0:
        p.error("counts, --rate-limit and --latency must not be negative")
    return args


def open_store(args: argparse.Namespace) -> tuple[Store, float]:
    """The store, seeded when new. Raises DatabaseUnusable for a file it cannot open or write."""
    store = Store(args.db or default_db())
    started = time.perf_counter()
    try:
        if store.is_empty():
            seed(store, args.seed, args.seed_accounts, args.seed_tests, args.owner_key, args.owner_secret)
        elif args.owner_key:
            with store.transaction() as db:
                db.execute(
                    "UPDATE users SET key = ?, secret = ? WHERE role = 'owner'", (args.owner_key, args.owner_secret)
                )
    except StoreError as exc:
        store.close()
        raise DatabaseUnusable(f"cannot write the database {store.path}: {exc.message}") from None
    return store, time.perf_counter() - started


def bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    return sock


def watch_parent() -> None:
    """Exit when the process that started us dies, even by SIGKILL (child.py names it in PARENT_ENV).

    Linux delivers SIGTERM at once through PR_SET_PDEATHSIG. Everywhere, the parent holds our stdin pipe
    and never writes to it: end-of-file means it is gone. Then a graceful stop, and a hard exit if that
    hangs (a request that never ends, or seeding that ignores the signal)."""
    parent = os.environ.pop(PARENT_ENV, None)
    if not parent:
        return  # started by a person, from a terminal: stdin is theirs
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if str(os.getppid()) != parent:  # it died before we could ask to be told
        os._exit(1)

    def lifeline() -> None:
        with contextlib.suppress(OSError):
            while os.read(0, 4096):  # the raw descriptor: a buffered stdin would stall interpreter exit
                pass
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(3)
        os._exit(1)

    threading.Thread(target=lifeline, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    watch_parent()
    args = parse_args(argv)
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        print(f"tbdesk-sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        store, seeded = open_store(args)
    except DatabaseUnusable as exc:
        print(f"tbdesk-sandbox: {exc}", file=sys.stderr)
        sock.close()
        return 2
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    owner = store.owner()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        task = asyncio.create_task(simulate(store)) if args.simulate else None
        # Sandbox credentials only: printing them is how a new user signs in.
        print(
            f"{READY} http://{shown}:{port}/v1 key={owner['key']} secret={owner['secret']} (seeded in {seeded:.2f}s)",
            flush=True,
        )
        yield
        if task:
            task.cancel()

    faults = Faults(args.latency, args.error_rate, args.rate_limit)
    app = create_app(store, faults, lifespan=lifespan)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    # uvicorn turns SIGINT/SIGTERM into a graceful shutdown, then re-raises the signal through the
    # handlers it found; no-op ones make that re-raise a plain return, so the exit status is 0.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    server.run(sockets=[sock])
    store.close()
    return 0


if __name__ == "__main__":  # python -m tbdesk.sandbox.cli, as well as python -m tbdesk.sandbox
    raise SystemExit(main())
