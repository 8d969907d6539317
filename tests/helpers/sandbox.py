"""Run the sandbox for tests: in-process over ASGI, or as a real process on a free port."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from tbdesk.api import schema
from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.child import SandboxProcess, running
from tbdesk.sandbox.faults import Faults
from tbdesk.sandbox.seed import seed

SEED_NOW = 1_790_000_000.0  # fixed "now" so that seeded data is identical from run to run


SA = "/v1" + schema.SERVICE_ACCOUNTS  # the service-accounts path, as requested


@dataclass
class Sandbox:
    """Where a sandbox answers, and its owner's pair (sandbox credentials only)."""

    url: str
    key: str
    secret: str
    transport: httpx.AsyncBaseTransport | None = None
    store: Store | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)
    child: SandboxProcess | None = field(default=None, repr=False)  # its output tail is child.output

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
def process_sandbox(
    *args: str, env: dict[str, str] | None = None, owner_secret: str | None = None
) -> Iterator[Sandbox]:
    """The sandbox as a real process, started the one way tbdesk starts it (tbdesk.sandbox.child)."""
    with running(list(args), env=env, owner_secret=owner_secret) as child:
        assert child.info is not None
        yield Sandbox(child.info.url, child.info.key, child.info.secret, process=child.process, child=child)


async def role_pair(sb: Sandbox, role: str) -> tuple[str, str]:
    """A fresh pair for the seeded sub-account with this role (the owner resets its keys)."""
    async with sb.client() as c:
        users = (await c.get("/v1/team-management/users")).json()["data"]
        uid = next(u["id"] for u in users if u["role"] == role)
        body = (await c.post(f"/v1/team-management/users/{uid}/reset-keys")).json()
        return body["client_key"], body["client_secret"]
