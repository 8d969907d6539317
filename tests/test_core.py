"""Unit tier: the Qt-free logic in tbdesk/core, without a window or a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tbdesk.api.models import ServiceAccount, StartedBy, Test
from tbdesk.core.reconcile import reconcile, reconcile_slices
from tbdesk.core.usage import Usage, UsageLog, reached_cutoff, service_account_start, usage_of

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def account(id: int, identifier: str, key: str = "k") -> ServiceAccount:
    return ServiceAccount(id=id, identifier=identifier, key=key * 32 if len(key) == 1 else key)


def a_test(id: int, created: datetime | None, by: StartedBy | None) -> Test:
    return Test(
        id=id, name=f"t{id}", state="COMPLETE", success=True, status_id=None, status_message="", browser="chrome",
        browser_version="", os="", duration=None, created_at=created, updated_at=created, completed_at=None,
        build="", groups=(), session_id="", started_by=by,
    )  # fmt: skip


SA = StartedBy("service_account", 7, "ci-runner")


def test_only_tests_started_by_a_service_account_count():
    assert service_account_start(a_test(1, NOW, SA)) == (7, NOW)
    assert service_account_start(a_test(2, NOW, StartedBy("user", 3, "Ann"))) is None
    assert service_account_start(a_test(3, NOW, None)) is None
    assert service_account_start(a_test(4, None, SA)) is None
    deleted = StartedBy("service_account", 9, "gone", deleted=True)
    assert service_account_start(a_test(5, NOW, deleted)) == (9, NOW)


def test_usage_counts_the_last_day_and_week_and_keeps_the_newest():
    starts = [
        (7, NOW - timedelta(hours=1)),
        (7, NOW - timedelta(hours=30)),
        (7, NOW - timedelta(days=8)),  # older than a week: only its date could be the newest
        (8, NOW - timedelta(days=10)),
    ]
    usage = usage_of(starts, NOW)
    assert usage[7] == Usage(NOW - timedelta(hours=1), last_24h=1, last_7d=2)
    assert usage[8] == Usage(NOW - timedelta(days=10), last_24h=0, last_7d=0)
    assert usage_of([], NOW) == {}


def test_usage_log_counts_a_test_seen_twice_once():
    log = UsageLog()
    log.add([a_test(1, NOW - timedelta(hours=2), SA)])
    log.add([a_test(1, NOW - timedelta(hours=2), SA), a_test(2, NOW - timedelta(hours=3), SA)])
    assert log.usage(NOW)[7].last_24h == 2
    fresh = UsageLog()
    log.replace(fresh)
    assert log.usage(NOW) == {}


def test_usage_paging_stops_at_the_cutoff_or_the_end():
    cutoff = NOW - timedelta(days=7)
    recent = [a_test(1, NOW, SA), a_test(2, NOW - timedelta(days=1), SA)]
    assert not reached_cutoff(recent, cutoff, fetched=500, total=2000)
    assert reached_cutoff(recent, cutoff, fetched=2000, total=2000)
    assert reached_cutoff([*recent, a_test(3, NOW - timedelta(days=8), SA)], cutoff, 500, 2000)
    assert reached_cutoff([], cutoff, 500, 2000)


def test_reconcile_touches_only_changed_rows_and_says_what_changed():
    shown = [account(i, f"a{i}") for i in range(1, 11)]
    fresh = [a for a in shown if a.id != 3]
    fresh[0] = account(1, "renamed")
    fresh[1] = account(2, "a2", key="n")
    fresh.append(account(11, "new"))
    plan = reconcile(shown, fresh)
    assert not plan.reset
    assert plan.removed == [3]
    assert [a.id for a in plan.changed] == [1, 2]
    assert [a.id for a in plan.added] == [11]
    assert plan.summary() == "Changed elsewhere since the last refresh: 1 renamed, 1 rotated, 1 deleted, 1 added."


def test_reconcile_in_slices_plans_what_reconcile_does():
    shown = [account(i, f"a{i}") for i in range(1, 12)]
    fresh = [account(i, f"a{i}") for i in range(2, 14)]  # 1 deleted; 12 and 13 added
    fresh[0] = account(2, "a2-renamed")
    fresh[4] = account(6, "a6", key="n")
    steps = list(reconcile_slices(shown, fresh, size=5))
    assert steps[:-1] == [None, None] and steps[-1] is not None  # 12 fresh accounts, 5 at a time
    assert steps[-1] == reconcile(shown, fresh)
    plan = steps[-1]
    assert plan.removed == [1] and [a.id for a in plan.added] == [12, 13]
    assert [a.id for a in plan.changed] == [2, 6] and (plan.renamed, plan.rotated) == (1, 1)


def test_reconcile_resets_when_most_rows_are_new_and_is_quiet_when_nothing_changed():
    shown = [account(i, f"a{i}") for i in range(1, 5)]
    assert reconcile(shown, [account(i, f"b{i}") for i in range(10, 14)]).reset
    same = reconcile(shown, list(shown))
    assert not same.reset and not same.removed and not same.changed and not same.added
    assert same.summary() is None
    # The first load is not news: nothing was shown before.
    assert reconcile([], shown).summary() is None
