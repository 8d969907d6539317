"""Run the sandbox for tests: in-process over ASGI, or as a real process on a free port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.faults import Faults
from tbdesk.sandbox.seed import seed

READY = re.compile(r"ready: (?P<url>\S+) key=(?P<key>\S+) secret=(?P<secret>\S+)")
SEED_NOW = 1_790_000_000.0  # fixed "now" so that seeded data is identical from run to run


@dataclass
class Sandbox:
    """Where a sandbox answers, and its owner's pair (sandbox credentials only)."""

    url: str
    key: str
    secret: str
    transport: httpx.AsyncBaseTransport | None = None
    store: Store | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    def client(self, key: str | None = None, secret: str | None = None, **kw) -> httpx.AsyncClient:
        auth = (key or self.key, secret or self.secret) if key is not False else None
        base = self.url.removesuffix("/v1")
        return httpx.AsyncClient(base_url=base, auth=auth, transport=self.transport, **kw)


def asgi_sandbox(accounts: int = 6, tests: int = 300, faults: Faults | None = None) -> Sandbox:
    store = Store(":memory:")
    seed(store, 1, accounts, tests, now=time.time())
    owner = store.owner()
    transport = httpx.ASGITransport(app=create_app(store, faults))
    return Sandbox("http://127.0.0.1/v1", owner["key"], owner["secret"], transport, store)


@contextmanager
def process_sandbox(*args: str, env: dict[str, str] | None = None) -> Iterator[Sandbox]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbdesk.sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = READY.search(line)
        if not match:
            proc.kill()
            raise RuntimeError(f"sandbox did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        yield Sandbox(match["url"], match["key"], match["secret"], process=proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
