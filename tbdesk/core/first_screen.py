"""The first screen: the signed-in user, the first page of accounts and the first page of tests.

Signing in asks for all three at once (one round trip). At start-up a helper process may have asked already
(tbdesk/ahead.py): its answers are read here with the same parsers, in the window's process, as the
client reads its own. No httpx here: the window shows those rows before httpx is imported.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ..api import schema as s
from ..api.errors import ApiError, ProtocolError
from ..api.models import Page, ServiceAccount, Test, User
from .wording import endpoint_refused

if TYPE_CHECKING:
    from ..api.client import TestingBotClient

TESTS_PAGE = 100
MAX_ANSWER = 8 * 2**20  # bytes per answer read from the helper; a first page is ~60 KB
T = TypeVar("T")


@dataclass
class FirstScreen:
    user: User
    accounts: Page[ServiceAccount] | ApiError  # the error of a server that refuses the accounts request
    tests: Page[Test]
    rate_limit_remaining: int | None = None
    shown: bool = False  # already in the window (start-up showed it before signing in was wired up)


class Answer(NamedTuple):
    """One GET as the server answered it: status, the rate-limit header, the body (unread)."""

    status: int
    remaining: str | None
    body: bytes


# The three requests, as (path, query) — what TestingBotClient.user(), .service_accounts_page(0) and
# .tests(0, TESTS_PAGE) send; a test holds the two in step.
REQUESTS: tuple[tuple[str, dict[str, Any]], ...] = (
    (s.USER, {}),
    (s.SERVICE_ACCOUNTS, {s.Q_OFFSET: 0, s.Q_COUNT: s.PAGE_MAX}),
    (s.TESTS, {s.Q_OFFSET: 0, s.Q_COUNT: min(TESTS_PAGE, s.PAGE_MAX)}),
)


async def accounts_or_refusal(request: Awaitable[T]) -> T | ApiError:
    """The accounts answer, or the error of a server that refuses that (assumed) endpoint.

    Signing in and the tests must not depend on an endpoint TestingBot may serve elsewhere: a refusal
    (403, 404, 405, 410, 501 or an answer of another shape) is shown in the accounts panel instead.
    """
    try:
        return await request
    except ApiError as exc:
        if endpoint_refused(exc):
            return exc
        raise


async def fetch(client: TestingBotClient) -> FirstScreen:
    """Ask for the first screen, the three requests in parallel. Raises the ApiError of a failed one."""
    import asyncio

    user, accounts, tests = await asyncio.gather(
        client.user(), accounts_or_refusal(client.service_accounts_page(0)), client.tests(0, TESTS_PAGE)
    )
    return FirstScreen(user, accounts, tests, client.rate_limit_remaining)


def from_answers(answers: Sequence[Answer]) -> FirstScreen | None:
    """The first screen from the helper's answers to REQUESTS; None unless all three are a 200 whose body
    reads as the client would read it (anything else is asked again by the client, which reports it)."""
    if len(answers) != len(REQUESTS) or any(a.status != 200 or len(a.body) > MAX_ANSWER for a in answers):
        return None
    try:
        user_data, accounts_data, tests_data = (json.loads(a.body) for a in answers)
        screen = FirstScreen(
            User.parse(user_data),
            Page.parse(accounts_data, ServiceAccount.parse),
            Page.parse(tests_data, Test.parse),
        )
    except (ValueError, ProtocolError, RecursionError):  # not JSON, or not the expected shape
        return None
    counts = [int(a.remaining) for a in answers if a.remaining is not None and a.remaining.strip().isdigit()]
    screen.rate_limit_remaining = min(counts) if counts else None
    return screen
