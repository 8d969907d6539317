"""One account's Activity tab in numbers: tests per day by result, this week's and last week's pass rates, its
builds and browsers, its last tests.

Apart from core.activity (the facts and the sparklines): the window's first frame imports that, and these
classes are built only once the tab is first shown (issue #16).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .activity import (
    BROWSER,
    BUILD,
    CREATED,
    FAILED,
    NAME,
    PANEL_DAYS,
    RESULT,
    RESULTS,
    SLICE_FACTS,
    TEST_ID,
    TOP,
    Fact,
    local_days,
)


@dataclass(frozen=True)
class PassRate:
    passed: int
    failed: int

    @property
    def rate(self) -> float | None:
        """Passed out of finished tests with a result; None when there were none."""
        decided = self.passed + self.failed
        return self.passed / decided if decided else None

    def text(self) -> str:
        rate = self.rate
        if rate is None:
            return "no finished tests"
        return f"{rate:.0%} ({self.passed} of {self.passed + self.failed})"


@dataclass(frozen=True)
class LastTest:
    test_id: int
    name: str
    result: str
    created: datetime
    build: str
    browser: str


@dataclass(frozen=True)
class AccountActivity:
    first_day: date
    days: tuple[tuple[int, int, int, int], ...]  # per day, counts by RESULTS
    this_week: PassRate
    last_week: PassRate
    builds: tuple[tuple[str, int], ...]  # most used first, within the PANEL_DAYS window
    browsers: tuple[tuple[str, int], ...]
    last_tests: tuple[LastTest, ...]  # newest first
    total: int  # tests in the PANEL_DAYS window

    @property
    def busiest(self) -> int:
        return max((sum(d) for d in self.days), default=0)


def account_activity(facts: Sequence[Fact], now: datetime | None = None, last: int = 8) -> AccountActivity:
    for result in activity_slices(facts, now, last, size=0):
        if result is not None:
            return result
    raise AssertionError("unreachable")  # pragma: no cover


def activity_slices(
    facts: Sequence[Fact], now: datetime | None = None, last: int = 8, size: int = SLICE_FACTS
) -> Iterator[AccountActivity | None]:
    """As account_activity, `size` tests at a time (0: all at once): None after each slice, so the caller can
    let the event loop run (one account's 28,000 tests take ~20 ms), and the result last. Not on a worker
    thread, for the reason given at spark_slices."""
    now = now or datetime.now(UTC)
    dates, starts = local_days(PANEL_DAYS, now)
    first = starts[0]
    cut_this = (now - timedelta(days=7)).timestamp()
    cut_last = (now - timedelta(days=14)).timestamp()
    days = [[0, 0, 0, 0] for _ in starts]
    this_week, last_week = [0, 0], [0, 0]
    builds: Counter[str] = Counter()
    browsers: Counter[str] = Counter()
    newest: list[Fact] = []
    step = size or max(1, len(facts))
    for begin in range(0, len(facts), step):
        chunk = facts[begin : begin + step]
        for f in chunk:
            created = f[CREATED]
            if f[RESULT] <= FAILED and created >= cut_last:  # passed or failed, in one of the two weeks
                (this_week if created >= cut_this else last_week)[f[RESULT]] += 1
            if created >= first:
                days[bisect_right(starts, created) - 1][f[RESULT]] += 1
                builds[f[BUILD] or "(no build)"] += 1
                browsers[f[BROWSER] or "(unknown)"] += 1
        # The newest `last` so far: a partial selection per slice, never a sort of every test.
        newest = heapq.nlargest(last, [*newest, *chunk], key=_newest_first)
        if begin + step < len(facts):
            yield None
    yield AccountActivity(
        first_day=dates[0],
        days=tuple((d[0], d[1], d[2], d[3]) for d in days),
        this_week=PassRate(*this_week),
        last_week=PassRate(*last_week),
        builds=_top(builds),
        browsers=_top(browsers),
        last_tests=tuple(
            LastTest(
                f[TEST_ID], f[NAME], RESULTS[f[RESULT]], datetime.fromtimestamp(f[CREATED], UTC), f[BUILD], f[BROWSER]
            )
            for f in newest
        ),
        total=sum(sum(d) for d in days),
    )


def _newest_first(f: Fact) -> tuple[float, int]:
    return f[CREATED], f[TEST_ID]


def _top(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    """The TOP most used, ties by name so the order is stable; the rest summed as "other"."""
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    head = ranked[:TOP]
    rest = sum(n for _, n in ranked[TOP:])
    folded = len(ranked) - TOP
    return (*tuple(head), (f"{folded} {'other' if folded == 1 else 'others'}", rest)) if rest else tuple(head)
