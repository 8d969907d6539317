from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sandbox_helpers import Sandbox, asgi_sandbox, process_sandbox


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
