"""Which service account started which recent test, and what that says about each account's use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..api.models import Test

USAGE_DAYS = 7


@dataclass(frozen=True)
class Usage:
    """How much a service account was used recently, from the tests it started."""

    last_test: datetime | None = None
    last_24h: int = 0
    last_7d: int = 0


def service_account_start(test: Test) -> tuple[int, datetime] | None:
    """(account id, created) when a live or deleted service account started this test."""
    sb = test.started_by
    if sb is None or not sb.is_service_account or sb.id is None or test.created_at is None:
        return None
    return sb.id, test.created_at


def usage_of(starts: Iterable[tuple[int, datetime]], now: datetime | None = None) -> dict[int, Usage]:
    """Per account: its newest test, and how many it started in the last 24 hours and 7 days."""
    for result in usage_slices(starts, now, size=0):
        if result is not None:
            return result
    raise AssertionError("unreachable")  # pragma: no cover


SLICE_TESTS = 5000  # tests counted per slice: a few milliseconds


def usage_slices(
    starts: Iterable[tuple[int, datetime]], now: datetime | None = None, size: int = SLICE_TESTS
) -> Iterator[dict[int, Usage] | None]:
    """As usage_of, `size` tests at a time (0: all at once): None after each slice, so the caller can let
    the event loop run (30,000 tests take ~20 ms), and the result last."""
    now = now or datetime.now(UTC)
    day_ago, week_ago = now - timedelta(days=1), now - timedelta(days=USAGE_DAYS)
    last: dict[int, datetime] = {}
    day_counts: dict[int, int] = {}
    week_counts: dict[int, int] = {}
    counted = 0
    for account_id, created in starts:
        if account_id not in last or created > last[account_id]:
            last[account_id] = created
        if created >= week_ago:
            week_counts[account_id] = week_counts.get(account_id, 0) + 1
            if created >= day_ago:
                day_counts[account_id] = day_counts.get(account_id, 0) + 1
        counted += 1
        if counted == size:
            counted = 0
            yield None
    yield {i: Usage(last[i], day_counts.get(i, 0), week_counts.get(i, 0)) for i in last}


class UsageLog:
    """Only (account, created) per test id: 7 days of a busy team is tens of thousands of tests.

    Keyed by test id, so a test seen again (polling returns updated tests) is counted once.
    """

    def __init__(self) -> None:
        self._starts: dict[int, tuple[int, datetime]] = {}

    def add(self, tests: Iterable[Test]) -> None:
        self._starts.update((t.id, start) for t in tests if (start := service_account_start(t)) is not None)

    def replace(self, other: UsageLog) -> None:
        self._starts = other._starts

    def usage(self, now: datetime | None = None) -> dict[int, Usage]:
        return usage_of(self._starts.values(), now)

    async def usage_in_slices(self, now: datetime | None = None) -> dict[int, Usage]:
        """As usage(), letting the event loop run every few milliseconds (see usage_slices)."""
        import asyncio  # here, not at the top: the first frame imports this module, and asyncio can wait (#16)

        starts = list(self._starts.values())  # polling may add tests meanwhile
        for result in usage_slices(starts, now):
            if result is not None:
                return result
            await asyncio.sleep(0)
        raise AssertionError("unreachable")  # pragma: no cover


def reached_cutoff(tests: Sequence[Test], cutoff: datetime, fetched: int, total: int) -> bool:
    """Paging newest-first: stop at an empty page, at a page older than `cutoff`, or at the end."""
    oldest = tests[-1].created_at if tests else None
    return not tests or oldest is None or oldest < cutoff or fetched >= total
