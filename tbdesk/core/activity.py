"""What the pipelines did, in numbers for pictures: per-day counts, pass rates, builds and browsers.

Qt-free. Built from the tests already loaded for usage: each test is reduced to a small `Fact` (a busy team
has 100,000 tests a month; a whole parsed Test each would not fit the memory goal), kept by test id so a
polled update (a running test that finished) replaces the old fact, and grouped by who started it so one
account's panel reads only that account's tests. One account's Activity tab is core/account_activity.py.

Days are the user's local calendar days; "this week" is the last 7 days, "last week" the 7 before.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from sys import intern
from typing import Final

from ..api.models import Test
from .platforms import browser_name, test_platform

RESULTS = ("passed", "failed", "unknown", "running")  # stacking order in the charts, bottom up
PASSED, FAILED, UNKNOWN, RUNNING = range(4)
_RESULT_INDEX = {name: i for i, name in enumerate(RESULTS)}
SPARK_DAYS = 14
PANEL_DAYS = 30
TOP = 5  # builds and browsers listed per account

Who = int | str  # a service account's id (live or deleted), or person_key(...) for a team member


def person_key(id_: int | None, name: str) -> str:
    return f"person:{id_}" if id_ is not None else f"person:{name}"


def who_of(test: Test) -> Who | None:
    """Who started a test, as the key used by the filters and the charts (None when the server did not say)."""
    sb = test.started_by
    if sb is None:
        return None
    if sb.is_service_account:
        return sb.id if sb.id is not None else person_key(None, sb.name)
    return person_key(sb.id, sb.name)


# A Fact is the little of a test the pictures need, as a plain tuple of plain values:
#   (test id, who, created in epoch seconds, result as an index in RESULTS, build, browser, name).
# An exact tuple, not a NamedTuple or a class: the garbage collector stops tracking a tuple of untracked
# values, and only an exact tuple, so 100,000 of them add nothing to its pauses (as NamedTuples, each full
# collection walked them all: 15-40 ms stalls while loading and refreshing).
Fact = tuple[int, Who, float, int, str, str, str]
# A Fact's fields (Final, so a type checker knows each field's type).
TEST_ID: Final = 0
WHO: Final = 1
CREATED: Final = 2
RESULT: Final = 3
BUILD: Final = 4
BROWSER: Final = 5
NAME: Final = 6


def fact_of(t: Test) -> Fact | None:
    who = who_of(t)
    if who is None or t.created_at is None:
        return None
    # Builds and browsers repeat across thousands of tests: one string each (sys.intern) saves megabytes.
    browser = intern(browser_name(t.browser, t.browser_version) or test_platform(t.os, t.platform_name, t.device_name))
    result = _RESULT_INDEX.get(t.status, UNKNOWN)
    return (t.id, who, t.created_at.timestamp(), result, intern(t.build), browser, t.name)


class ActivityLog:
    """Facts about loaded tests, by test id and by who started them."""

    def __init__(self) -> None:
        self._by_id: dict[int, Fact] = {}
        self._by_who: dict[Who, dict[int, Fact]] = {}
        self._oldest = float("inf")  # no fact is older: prune() has nothing to look for before this

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, tests: Iterable[Test]) -> None:
        for t in tests:
            fact = fact_of(t)
            if fact is None:
                continue
            old = self._by_id.get(fact[TEST_ID])
            if old is not None and old[WHO] != fact[WHO]:
                self._by_who[old[WHO]].pop(fact[TEST_ID], None)
            self._by_id[fact[TEST_ID]] = fact
            self._by_who.setdefault(fact[WHO], {})[fact[TEST_ID]] = fact
            self._oldest = min(self._oldest, fact[CREATED])

    def count(self, who: Who) -> int:
        return len(self._by_who.get(who, ()))

    def of(self, who: Who) -> list[Fact]:
        return list(self._by_who.get(who, {}).values())

    def groups(self) -> Iterator[tuple[Who, list[Fact]]]:
        """Each starter's facts, each group copied when the caller reaches it: the caller computes in slices
        while polling adds more, and a copy of all 100,000 at once was a 10 ms step of its own."""
        for who in list(self._by_who):
            facts = self._by_who.get(who)
            if facts:
                yield who, list(facts.values())

    def oldest(self) -> float | None:
        return min((f[CREATED] for f in self._by_id.values()), default=None)

    def prune(self, before: float) -> None:
        """Forget tests created before `before` (a long session must not grow without bound)."""
        if self._oldest >= before:
            return
        old = [f for f in self._by_id.values() if f[CREATED] < before]
        self._oldest = min((f[CREATED] for f in self._by_id.values() if f[CREATED] >= before), default=float("inf"))
        for f in old:
            del self._by_id[f[TEST_ID]]
            group = self._by_who[f[WHO]]
            del group[f[TEST_ID]]
            if not group:
                del self._by_who[f[WHO]]

    def clear(self) -> None:
        self._by_id.clear()
        self._by_who.clear()
        self._oldest = float("inf")


# -- days ---------------------------------------------------------------------------------------


def local_days(days: int, now: datetime | None = None) -> tuple[list[date], list[float]]:
    """The last `days` local calendar days ending today, and the epoch second each starts at.

    Exact across daylight-saving changes: each midnight is converted on its own."""
    now = (now or datetime.now(UTC)).astimezone()
    today = now.date()
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    # A naive midnight is read in the local zone with that day's own offset.
    starts = [datetime.combine(d, time(0)).astimezone().timestamp() for d in dates]
    return dates, starts


def day_index(created: float, starts: Sequence[float]) -> int:
    """Which of the days a time falls on, or -1 when before the first (tests in the future count as today)."""
    return bisect_right(starts, created) - 1


def per_day(facts: Iterable[Fact], starts: Sequence[float]) -> list[list[int]]:
    """For each day, how many tests of each result (indexed as RESULTS)."""
    counts = [[0, 0, 0, 0] for _ in starts]
    first = starts[0] if starts else 0.0
    for f in facts:
        if f[CREATED] >= first:
            counts[bisect_right(starts, f[CREATED]) - 1][f[RESULT]] += 1
    return counts


# -- the sparkline column -----------------------------------------------------------------------


@dataclass(frozen=True)
class Spark:
    """Tests per day for one account over SPARK_DAYS days, and how many of them failed."""

    first_day: date
    totals: tuple[int, ...]
    failed: tuple[int, ...]

    def tooltip(self) -> str:
        total, failed = sum(self.totals), sum(self.failed)
        busiest = max(self.totals, default=0)
        lines = [f"{total} tests in the last {len(self.totals)} days, {failed} failed; busiest day {busiest}"]
        for i in range(len(self.totals) - 1, -1, -1):  # newest first
            day = self.first_day + timedelta(days=i)
            if self.totals[i]:
                lines.append(f"{day:%a %d %b}: {self.totals[i]} ({self.failed[i]} failed)")
        return "\n".join(lines)


def no_tests(now: datetime | None = None) -> Spark:
    """The sparkline of an account without tests in the last SPARK_DAYS days."""
    dates, _ = local_days(SPARK_DAYS, now)
    return Spark(dates[0], (0,) * SPARK_DAYS, (0,) * SPARK_DAYS)


def sparks(groups: Iterable[tuple[Who, Sequence[Fact]]], now: datetime | None = None) -> dict[int, Spark]:
    """The sparkline of every service account (people and unknown starters are left out)."""
    out: dict[int, Spark] = {}
    for part in spark_slices(groups, now):
        out.update(part)
    return out


SLICE_FACTS = 4000  # tests counted per slice: a few milliseconds of work


def spark_slices(
    groups: Iterable[tuple[Who, Sequence[Fact]]], now: datetime | None = None, size: int = SLICE_FACTS
) -> Iterator[dict[int, Spark]]:
    """The sparklines as `sparks` computes them, a slice of about `size` tests at a time, so the caller can
    let the event loop run between slices (a worker thread would hold the interpreter lock meanwhile, and
    every paint of the window waits for it)."""
    dates, starts = local_days(SPARK_DAYS, now)
    out: dict[int, Spark] = {}
    counted = 0
    for who, facts in groups:
        if not isinstance(who, int):
            continue
        days = per_day(facts, starts)
        out[who] = Spark(dates[0], tuple(sum(d) for d in days), tuple(d[FAILED] for d in days))
        counted += len(facts) + 1
        if counted >= size:
            yield out
            out, counted = {}, 0
    yield out
