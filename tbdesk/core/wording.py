"""How an API failure is put to the user."""

from __future__ import annotations

from ..api.errors import ApiError, ProtocolError
from ..api.models import User


def describe(exc: ApiError) -> str:
    return f"{exc.operation} failed: {exc.message}" if exc.operation else exc.message


# Answers that mean "this server has no such endpoint for you", as opposed to a fault worth retrying.
REFUSED_STATUSES = frozenset({403, 404, 405, 410, 501})
STATUS_NAMES = {403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 410: "Gone", 501: "Not Implemented"}


def endpoint_refused(exc: ApiError) -> bool:
    """A refusal of the request itself (or an answer of another shape), not an outage or bad credentials."""
    return exc.status in REFUSED_STATUSES or isinstance(exc, ProtocolError)


def refusal_text(exc: ApiError) -> str:
    """For the accounts panel: which request was refused, how, and what tbdesk expected there."""
    if exc.status == 403:
        lead = "Only team admins can see service accounts."
        answered = f"The server answered {exc.request} with 403 Forbidden"
    elif isinstance(exc, ProtocolError):
        lead = "Service accounts could not be shown."
        answered = f"The server's answer to {exc.request} was not what tbdesk expected ({exc.message})"
    else:
        lead = "This server does not offer service accounts where tbdesk looks for them."
        answered = f"The server answered {exc.request} with {exc.status} {STATUS_NAMES.get(exc.status or 0, '')}"
    expected = (
        f" tbdesk expected {exc.expected} (an assumed path, not yet documented by TestingBot)." if exc.expected else ""
    )
    return f"{lead}\n\n{answered.strip()}.{expected}\n\nTests are shown as usual."


def service_account_refusal(user: User) -> str:
    """For the sign-in dialog: a service account's pair was typed."""
    whose = f" “{user.service_account}”" if user.service_account else ""
    return (
        f"This is the key of the service account{whose} of {user.name}'s TestingBot account. "
        "Service accounts cannot sign in: use your own key and secret "
        "(in the dashboard under Account → API keys)."
    )
