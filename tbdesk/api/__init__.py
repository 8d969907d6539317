"""TestingBot REST API: an asyncio client, typed errors and frozen models. No Qt here.

The client's names load on first use (PEP 562): the window imports the models to paint its first frame and
must not pay for httpx (a third of start-up) before it is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
from .models import Credentials, Page, ServiceAccount, StartedBy, Team, Test, User

if TYPE_CHECKING:
    from .client import RetryPolicy, TestingBotClient, check_base_url

_FROM_CLIENT = ("RetryPolicy", "TestingBotClient", "check_base_url")


def __getattr__(name: str) -> Any:
    if name not in _FROM_CLIENT:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import client

    return getattr(client, name)


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
