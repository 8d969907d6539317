"""Typed API errors. Each carries a message a user can read; none ever holds a key or secret."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Base class. `message` is for people; `status` is the HTTP status when there was one."""

    status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        status: int | None = None,
        outcome_unknown: bool = False,
        request: str = "",
    ) -> None:
        self.message = message
        self.operation = operation
        self.request = request  # "GET /v1/…": which request the server answered this way (no query, no secrets)
        self.expected = ""  # for an assumed endpoint: what tbdesk expected there (schema.EXPECTED)
        if status is not None:
            self.status = status
        # True when a write went out and no trustworthy answer came back: it may or may not have happened.
        self.outcome_unknown = outcome_unknown
        super().__init__(f"{operation}: {message}" if operation else message)


class AuthenticationError(ApiError):
    status = 401


class PermissionDenied(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class InvalidInput(ApiError):
    status = 400

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.fields = fields or {}


class RateLimited(ApiError):
    status = 429

    def __init__(self, message: str, retry_after: float, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx."""


TIMED_OUT = "The server did not answer in time."


class NetworkError(ApiError):
    """Refused, reset, DNS, TLS or timeout; `kind` says which."""

    def __init__(self, message: str, kind: str, sent: bool = False, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.kind = kind
        self.sent = sent  # the request got out (the failure came after connecting)

    @classmethod
    def timed_out(cls, operation: str) -> NetworkError:
        """A GET the server took and then said nothing to for the whole read timeout (never retried)."""
        return cls(TIMED_OUT, "timeout", sent=True, operation=operation)


class ProtocolError(ApiError):
    """The answer was not JSON, or not of the shape the API documents."""
