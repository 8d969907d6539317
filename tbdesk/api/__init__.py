"""TestingBot REST API: an asyncio client, typed errors and frozen models. No Qt here."""

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
