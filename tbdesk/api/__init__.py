"""TestingBot REST API: an asyncio client, typed errors and frozen models. No Qt here.

Names are loaded on first use (PEP 562): the window imports the models to paint its first frame, and
must not pay for httpx and the client (about a third of the start-up) before it is on screen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Credentials, RetryPolicy, TestingBotClient, check_base_url
    from .errors import (
        ApiError,
        AuthenticationError,
        InvalidInput,
        NetworkError,
        NotFound,
        PermissionDenied,
        ProtocolError,
        RateLimited,
        ServerError,
    )
    from .models import Page, ServiceAccount, StartedBy, Team, Test, User

_WHERE = {
    **dict.fromkeys(("Credentials", "RetryPolicy", "TestingBotClient", "check_base_url"), "client"),
    **dict.fromkeys(
        (
            "ApiError",
            "AuthenticationError",
            "InvalidInput",
            "NetworkError",
            "NotFound",
            "PermissionDenied",
            "ProtocolError",
            "RateLimited",
            "ServerError",
        ),
        "errors",
    ),
    **dict.fromkeys(("Page", "ServiceAccount", "StartedBy", "Team", "Test", "User"), "models"),
}
__all__ = [
    "ApiError",
    "AuthenticationError",
    "Credentials",
    "InvalidInput",
    "NetworkError",
    "NotFound",
    "Page",
    "PermissionDenied",
    "ProtocolError",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "ServiceAccount",
    "StartedBy",
    "Team",
    "Test",
    "TestingBotClient",
    "User",
    "check_base_url",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value
