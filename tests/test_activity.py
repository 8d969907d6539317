"""The numbers behind the activity pictures, the test filter's rules and the CSV export (no Qt)."""

from __future__ import annotations

import csv
import gc
from datetime import UTC, datetime, timedelta
from itertools import count, pairwise
from pathlib import Path
from typing import Any

import pytest

from tbdesk.api import Test
from tbdesk.core.account_activity import account_activity, activity_slices
from tbdesk.core.activity import (
    CREATED,
    FAILED,
    PASSED,
    RESULT,
    RUNNING,
    TEST_ID,
    UNKNOWN,
    ActivityLog,
    local_days,
    no_tests,
    person_key,
    sparks,
)
from tbdesk.core.export import HEADER, write_csv
from tbdesk.core.filters import ALL, NO_BUILD, PEOPLE, TestQuery
from tbdesk.redact import SECRETS

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
_ids = count(1)


def make(
    days_ago: float = 0,
    result: str = "passed",
    who: Any = ("service_account", 7, "ci-runner"),
    build: str = "b1",
    browser: str = "chrome",
    name: str = "login works",
    deleted: bool = False,
    test_id: int | None = None,
) -> Test:
    kind, who_id, who_name = who
    created = NOW - timedelta(days=days_ago)
    state, status_id = {
        "passed": ("COMPLETE", 1),
        "failed": ("COMPLETE", 0),
        "unknown": ("COMPLETE", None),
        "running": ("RUNNING", None),
    }[result]
    return Test.parse(
        {
            "id": test_id or next(_ids),
            "name": name,
            "state": state,
            "success": result == "passed",
            "status_id": status_id,
            "browser": browser,
            "browser_version": "131",
            "os": "LINUX",
            "duration": 42,
            "created_at": created.isoformat(),
            "completed_at": (created + timedelta(seconds=42)).isoformat(),
            "build": build,
            "session_id": f"s{next(_ids)}",
            "started_by": {"type": kind, "id": who_id, "name": who_name, "deleted": deleted},
        }
    )


ALICE = ("user", 3, "Alice Admin")
NIGHTLY = ("service_account", 8, "nightly")
OLD = ("service_account", 9, "ci-old")


def test_sparkline_counts_tests_and_failures_per_local_day() -> None:
    log = ActivityLog()
    log.add(
        [
            make(0),
            make(0, "failed"),
            make(1, "failed"),
            make(13),
            make(14.6),  # before the first of the 14 days: left out
            make(3, who=NIGHTLY),
            make(0, who=ALICE),  # people have no sparkline
        ]
    )
    s = sparks(log.groups(), NOW)
    assert set(s) == {7, 8}
    assert len(s[7].totals) == 14
    assert s[7].totals[-1] == 2 and s[7].failed[-1] == 1  # today
    assert s[7].totals[-2] == 1 and s[7].failed[-2] == 1  # yesterday
    assert s[7].totals[0] == 1  # 13 days ago
    assert sum(s[7].totals) == 4 and sum(s[7].failed) == 2
    assert s[8].totals[-4] == 1
    tip = s[7].tooltip()
    assert tip.startswith("4 tests in the last 14 days, 2 failed; busiest day 2")
    assert f"{NOW.astimezone():%a %d %b}: 2 (1 failed)" in tip


def test_a_polled_update_replaces_the_test_it_updates() -> None:
    log = ActivityLog()
    log.add([make(0, "running", test_id=500)])
    log.add([make(0, "failed", test_id=500)])
    assert len(log) == 1
    assert sparks(log.groups(), NOW)[7].failed[-1] == 1
    assert account_activity(log.of(7), NOW).days[-1] == (0, 1, 0, 0)


def test_local_days_are_consecutive_midnights() -> None:
    dates, starts = local_days(30, NOW)
    assert dates[-1] == NOW.astimezone().date() and len(dates) == 30
    assert all(22 * 3600 <= b - a <= 26 * 3600 for a, b in pairwise(starts))


def test_account_activity_stacks_days_and_compares_weeks() -> None:
    tests = [
        *(make(1) for _ in range(3)),
        make(2, "failed"),  # this week: 3 of 4 passed
        make(0, "running"),
        make(0, "unknown"),
        make(8, "passed"),
        make(9, "failed"),  # last week: 1 of 2
        make(20, build="b2", browser="firefox"),
        make(40),  # outside the 30 days
        make(0, who=NIGHTLY),  # someone else
    ]
    log = ActivityLog()
    log.add(tests)
    a = account_activity(log.of(7), NOW)
    assert len(a.days) == 30
    assert a.days[-1][RUNNING] == 1 and a.days[-1][UNKNOWN] == 1
    assert a.days[-2][PASSED] == 3 and a.days[-3][FAILED] == 1
    assert a.total == 9 and a.busiest == 3
    assert (a.this_week.passed, a.this_week.failed) == (3, 1) and a.this_week.rate == 0.75
    assert a.this_week.text() == "75% (3 of 4)"
    assert a.last_week.rate == 0.5
    assert a.builds == (("b1", 8), ("b2", 1))
    # Browsers are named through core.platforms, as the tests table writes them.
    assert a.browsers == (("Chrome 131", 8), ("Firefox 131", 1))
    assert [t.result for t in a.last_tests[:2]] == ["unknown", "running"]  # same time: newer id first
    assert len(a.last_tests) == 8
    assert a.last_tests[0].created >= a.last_tests[-1].created


def test_activity_counted_in_slices_is_the_same_as_at_once_and_keeps_the_newest_across_slices() -> None:
    # Tests arrive in no order (pages newest first, polls appended): the newest are spread over the slices.
    results = ("passed", "failed", "unknown", "running")
    log = ActivityLog()
    log.add(
        make((i * 7.3) % 40, results[i % 4], build=f"b{i % 9}", browser=f"browser {i % 6}", name=f"t{i}")
        for i in range(203)
    )
    facts = log.of(7)
    steps = list(activity_slices(facts, NOW, size=16))
    assert steps[:-1] == [None] * 12 and len(steps) == 13  # 203 tests, 16 at a time: 12 pauses, then the result
    sliced = steps[-1]
    assert sliced == account_activity(facts, NOW) == next(iter(activity_slices(facts, NOW, size=0)))
    newest = sorted(facts, key=lambda f: (f[CREATED], f[TEST_ID]), reverse=True)[:8]
    assert [t.test_id for t in sliced.last_tests] == [f[TEST_ID] for f in newest]
    first = local_days(30, NOW)[1][0]
    in_window = [f for f in facts if f[CREATED] >= first]
    assert sliced.total == len(in_window) == sum(n for _, n in sliced.builds)
    week = [f for f in facts if f[CREATED] >= (NOW - timedelta(days=7)).timestamp()]
    assert sliced.this_week.passed == sum(f[RESULT] == PASSED for f in week)
    assert sliced.this_week.failed == sum(f[RESULT] == FAILED for f in week)


def test_facts_are_left_alone_by_the_garbage_collector() -> None:
    # 100,000 of them live as long as the window: a full collection walking each one stalled it 15-40 ms.
    log = ActivityLog()
    log.add(make(i % 30, name=f"t{i}") for i in range(50))
    gc.collect()
    assert not any(gc.is_tracked(f) for f in log.of(7))


def test_activity_of_no_tests_is_one_step() -> None:
    assert [a.total for a in activity_slices([], NOW, size=4)] == [0]  # type: ignore[union-attr]


def test_top_builds_fold_the_rest_into_others() -> None:
    log = ActivityLog()
    log.add([make(1, build=f"b{i}") for i in range(8) for _ in range(i + 1)])
    builds = account_activity(log.of(7), NOW).builds
    assert [name for name, _ in builds[:5]] == ["b7", "b6", "b5", "b4", "b3"]
    assert builds[5] == ("3 others", 1 + 2 + 3)
    log.add([make(1, build="b8")])
    assert account_activity(log.of(7), NOW).builds[5] == ("4 others", 1 + 2 + 3 + 1)
    one = ActivityLog()
    one.add([make(1, build=f"b{i}") for i in range(6)])
    assert account_activity(one.of(7), NOW).builds[5] == ("1 other", 1)  # not "1 others"


def test_no_finished_tests_has_no_rate() -> None:
    log = ActivityLog()
    log.add([make(1, "running")])
    a = account_activity(log.of(7), NOW)
    assert a.this_week.rate is None and a.this_week.text() == "no finished tests"
    assert account_activity([], NOW).total == 0


# -- filters ------------------------------------------------------------------------------------


def test_filters_combine() -> None:
    tests = [
        make(0, "passed", build="b1", name="Checkout pays"),
        make(0, "failed", build="b1", name="checkout refunds"),
        make(0, "failed", build="b2", name="Checkout again"),
        make(0, "failed", build="", name="checkout, no build", who=ALICE),
        make(0, "failed", build="b1", name="checkout by old", who=OLD, deleted=True),
    ]

    def shown(q: TestQuery) -> list[str]:
        return [t.name for t in tests if q.matches(t)]

    q = TestQuery()
    assert q.is_everything and len(shown(q)) == 5
    q = q.with_(result="failed")
    assert len(shown(q)) == 4
    q = q.with_(build="b1")
    assert shown(q) == ["checkout refunds", "checkout by old"]
    q = q.with_(text="  REFUND ")
    assert shown(q) == ["checkout refunds"]
    assert shown(TestQuery(who=9)) == ["checkout by old"]  # a deleted account, by its id
    assert shown(TestQuery(who=PEOPLE)) == ["checkout, no build"]
    assert shown(TestQuery(who=person_key(3, "Alice Admin"))) == ["checkout, no build"]
    assert shown(TestQuery(build=NO_BUILD)) == ["checkout, no build"]
    assert shown(TestQuery(who=7, result="passed", text="nothing")) == []
    assert TestQuery(who=ALL).is_everything


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_reads_back_with_header_iso_times_and_unicode(tmp_path: Path) -> None:
    tests = [
        make(0, "passed", name="Straße → 決済 ✓", build="b1"),
        make(1, "failed", name='=HYPERLINK("x")', who=OLD, deleted=True, build=""),
        make(0, "running", who=ALICE, name='comma, "quote"\nnewline'),
    ]
    path = tmp_path / "tests.csv"
    assert write_csv(path, tests) == 3
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == HEADER
    assert rows[0]["name"] == "Straße → 決済 ✓" and rows[0]["status"] == "passed"
    assert rows[0]["created_at"] == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert datetime.fromisoformat(rows[1]["created_at"]) == NOW - timedelta(days=1)
    assert rows[1]["name"] == '\'=HYPERLINK("x")'  # not a formula in a spreadsheet
    assert (rows[1]["started_by"], rows[1]["started_by_type"], rows[1]["started_by_deleted"]) == (
        "ci-old",
        "service account",
        "yes",
    )
    assert rows[2]["name"] == 'comma, "quote"\nnewline' and rows[2]["started_by_type"] == "person"
    assert rows[2]["status"] == "running" and rows[0]["duration_seconds"] == "42"


def test_csv_names_browsers_and_platforms_as_the_table_does_and_a_running_test_has_no_duration(
    tmp_path: Path,
) -> None:
    tests = [make(0, "passed", browser="microsoftedge"), make(0, "running", browser="firefox")]
    path = tmp_path / "tests.csv"
    write_csv(path, tests)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["browser"], r["browser_version"], r["platform"]) for r in rows] == [
        ("Microsoft Edge", "131", "Linux"),
        ("Firefox", "131", "Linux"),
    ]
    assert rows[0]["duration_seconds"] == "42" and rows[1]["duration_seconds"] == ""  # running: not yet known


def test_csv_holds_no_credential(tmp_path: Path) -> None:
    key, secret = "k" * 32, "s" * 32
    SECRETS.register(key, secret)
    tests = [make(0, name=f"hub https://{key}:{secret}@hub.example/wd/hub"), make(0, build=f"key={key}")]
    path = tmp_path / "t.csv"
    write_csv(path, tests)
    text = path.read_text(encoding="utf-8")
    assert key not in text and secret not in text


def test_csv_shows_bidi_controls_as_the_window_does(tmp_path: Path) -> None:
    # "report\u202eevil" reads "reportlive" in a spreadsheet; in the window it reads "report\ufffdevil".
    tests = [make(0, name="report\u202eevil.pdf", build="b\u2067uild\u2069-7")]
    path = tmp_path / "t.csv"
    write_csv(path, tests)
    with path.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["name"] == "report\ufffdevil.pdf"
    assert row["build"] == "b\ufffduild\ufffd-7"
    assert not any(
        ch in path.read_text(encoding="utf-8") for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )


def test_csv_failure_leaves_no_half_file(tmp_path: Path) -> None:
    class Boom(Exception):
        pass

    def tests() -> Any:
        yield make(0)
        raise Boom

    path = tmp_path / "t.csv"
    with pytest.raises(Boom):
        write_csv(path, tests())
    assert list(tmp_path.iterdir()) == []


def test_prune_forgets_old_tests_and_empty_groups() -> None:
    log = ActivityLog()
    log.add([make(40, test_id=9001), make(1, test_id=9002), make(40, who=NIGHTLY, test_id=9003)])
    log.prune((NOW - timedelta(days=31)).timestamp())
    assert len(log) == 1 and [w for w, _ in log.groups()] == [7]
    assert [f[TEST_ID] for f in log.of(7)] == [9002]
    assert sum(no_tests(NOW).totals) == 0 and no_tests(NOW).first_day == sparks(log.groups(), NOW)[7].first_day
