"""The sandbox keeps when each pair was issued (the ASSUMED keys_issued_at field) and seeds a spread."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

from tbdesk.api import ServiceAccount
from tbdesk.api import schema as s
from tbdesk.core.lifecycle import key_age
from tbdesk.core.waiting import until
from tbdesk.sandbox import Store
from tbdesk.sandbox.seed import seed

from helpers.sandbox import SA, asgi_sandbox


async def test_created_renamed_and_rotated_pairs_carry_their_issue_time(sandbox):
    async with sandbox.client() as c:
        before = datetime.now(UTC) - timedelta(seconds=2)
        made = (await c.post(SA, json={"identifier": f"age-{time.monotonic_ns()}"})).json()
        issued = ServiceAccount.parse(made).keys_issued_at
        assert issued is not None and before <= issued <= datetime.now(UTC)
        renamed = (await c.put(f"{SA}/{made['id']}", json={"identifier": f"ren-{time.monotonic_ns()}"})).json()
        assert renamed[s.F_KEYS_ISSUED_AT] == made[s.F_KEYS_ISSUED_AT]  # a rename keeps the pair
        # Times have millisecond resolution: let the clock pass the first pair's before rotating it.
        await until(lambda: datetime.now(UTC) >= issued + timedelta(milliseconds=2), what="the clock to move on")
        rotated = (await c.post(f"{SA}/{made['id']}/reset-keys")).json()
        assert ServiceAccount.parse(rotated).keys_issued_at > issued
        listed = (await c.get(SA, params={"count": 500})).json()["data"]
        assert next(a for a in listed if a["id"] == made["id"])[s.F_KEYS_ISSUED_AT] == rotated[s.F_KEYS_ISSUED_AT]


async def test_the_seed_spreads_key_ages_some_past_ninety_days():
    sb = asgi_sandbox()
    async with sb.client() as c:
        rows = [ServiceAccount.parse(a) for a in (await c.get(SA)).json()["data"]]
    days = sorted(key_age(a).days() for a in rows)
    assert len(days) == 6 and days[0] < 30 and sum(d > 90 for d in days) >= 2 and len(set(days)) == 6
    assert all(a.created_at <= a.keys_issued_at for a in rows)


def test_a_database_from_before_the_field_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE service_accounts (id INTEGER PRIMARY KEY, identifier TEXT NOT NULL,"
        " identifier_norm TEXT NOT NULL, key TEXT NOT NULL UNIQUE, secret TEXT NOT NULL,"
        " created_at REAL NOT NULL, updated_at REAL NOT NULL, deleted_at REAL);"
        "INSERT INTO service_accounts VALUES (1, 'old-one', 'old-one', 'k', 's', 1000.0, 2000.0, NULL);"
    )
    db.commit()
    db.close()
    store = Store(str(path))
    assert store.service_account(1)["keys_issued_at"] is None
    store.rotate_service_account(1)
    assert store.service_account(1)["keys_issued_at"] > 2000
    store.close()


def test_seeding_is_still_deterministic():
    def snapshot() -> list[tuple]:
        store = Store(":memory:")
        seed(store, 3, 8, 200, now=1_790_000_000.0)
        return [tuple(r) for r in store.query("SELECT * FROM service_accounts")] + [
            tuple(r) for r in store.query("SELECT * FROM tests")
        ]

    assert snapshot() == snapshot()
