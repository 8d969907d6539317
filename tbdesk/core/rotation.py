"""Rotating many keys after an incident, without Qt: each rotation sent exactly once, one after another,
and every outcome told truthfully (an answer that never came is read back, never re-sent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from ..api.errors import ApiError, AuthenticationError, NotFound
from ..api.models import ServiceAccount

AUTH_FAILED = "Your key and secret were not accepted; sign in again."


class RotatingClient(Protocol):
    """What bulk rotation needs of tbdesk.api.TestingBotClient."""

    async def rotate_service_account(self, account_id: int) -> ServiceAccount: ...

    async def service_account(self, account_id: int) -> ServiceAccount: ...


class Outcome(Enum):
    ROTATED = "rotated"
    FAILED = "failed"
    UNKNOWN = "outcome unknown"
    GONE = "deleted elsewhere"
    NOT_SENT = "not sent"


@dataclass(frozen=True)
class Result:
    account: ServiceAccount  # as it was before
    outcome: Outcome
    now: ServiceAccount | None = None  # the account after (with the new secret when rotated), when known
    reason: str = ""  # why it failed, or what the read-back showed

    @property
    def rotated(self) -> bool:
        return self.outcome is Outcome.ROTATED


async def rotate_each(
    client: RotatingClient,
    accounts: Sequence[ServiceAccount],
    on_result: Callable[[int, Result], None],
    stop: asyncio.Event | None = None,
) -> list[Result]:
    """Rotate `accounts` in order; `on_result(i, result)` after each. Setting `stop` ends it after the request
    in flight; a rejected admin key (401) ends it too, as every further request would fail the same way."""
    results: list[Result] = []
    halted = ""
    for i, account in enumerate(accounts):
        if not halted and stop is not None and stop.is_set():
            halted = "Stopped before it was sent."
        if halted:
            result = Result(account, Outcome.NOT_SENT, reason=halted)
        else:
            try:
                result = await _rotate_one(client, account)
            except AuthenticationError:
                result = Result(account, Outcome.FAILED, reason=AUTH_FAILED)
                halted = "Not sent: your key and secret were not accepted."
        results.append(result)
        on_result(i, result)
    return results


async def _rotate_one(client: RotatingClient, account: ServiceAccount) -> Result:
    try:
        return Result(account, Outcome.ROTATED, await client.rotate_service_account(account.id))
    except NotFound:
        return Result(account, Outcome.GONE, reason="It no longer exists; another admin deleted it.")
    except AuthenticationError:
        raise
    except ApiError as exc:
        if not exc.outcome_unknown:
            return Result(account, Outcome.FAILED, reason=exc.message)
        return await _read_back(client, account, exc)


async def _read_back(client: RotatingClient, account: ServiceAccount, exc: ApiError) -> Result:
    """The request may or may not have been applied: look, and say what is true now."""
    try:
        now = await client.service_account(account.id)
    except NotFound:
        return Result(account, Outcome.GONE, reason=f"{exc.message} Reading back: it no longer exists.")
    except ApiError as again:
        return Result(account, Outcome.UNKNOWN, reason=f"{exc.message} Reading back failed too: {again.message}")
    if now.key != account.key:
        return Result(account, Outcome.ROTATED, now, f"{exc.message} Reading back: the new key is in place.")
    return Result(account, Outcome.FAILED, now, f"{exc.message} Reading back: the old key is still in place.")
