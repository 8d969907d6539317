"""How an API failure is put to the user."""

from __future__ import annotations

from ..api.errors import ApiError


def describe(exc: ApiError) -> str:
    return f"{exc.operation} failed: {exc.message}" if exc.operation else exc.message
