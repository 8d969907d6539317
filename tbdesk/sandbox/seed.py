"""Deterministic seed data: the same --seed gives the same team, accounts and tests."""

from __future__ import annotations

import json
import random
import time

from .. import identifiers
from .store import Store

OWNER = ("Alex", "Morgan", "alex.morgan@example.com")
PEOPLE = [
    ("Priya", "Raman", "priya.raman@example.com", "admin"),
    ("Jonas", "Berg", "jonas.berg@example.com", "member"),
    ("Mei", "Tanaka", "mei.tanaka@example.com", "viewer"),
]
IDENTIFIERS = [
    "ci-runner",
    "nightly-regression",
    "github-actions-web",
    "jenkins-mobile",
    "release-smoke",
    "visual-diff",
    "gitlab-checkout",
    "perf-budget",
    "canary-eu",
    "canary-us",
]
DELETED_IDENTIFIER = "ci-old"
BROWSERS = [
    ("chrome", ["128", "129", "130", "131"]),
    ("firefox", ["130", "131", "132"]),
    ("safari", ["17", "18"]),
    ("microsoftedge", ["129", "130"]),
]
DESKTOP_OS = ["WIN11", "WIN10", "SEQUOIA", "SONOMA", "LINUX"]
DEVICES = [("iOS", "iPhone 16"), ("iOS", "iPad Pro 13"), ("Android", "Pixel 9"), ("Android", "Galaxy S24")]
SUITES = ["checkout", "login", "search", "cart", "profile", "signup", "payments", "onboarding", "settings"]
FAILURES = ["Element not found: #submit", "Timed out after 30s", "Expected 200, got 502", "Screenshot differs"]
DAY = 86400.0
# Days since each account's current pair was issued, cycled over the accounts: a realistic spread, some
# past a 90-day rotation policy. Fixed (not drawn from the generator) so the rest of a seed stays the same.
KEY_AGES = (12, 133, 41, 212, 67, 96, 3, 365, 150, 28)
UNUSED_AFTER = 30  # the last account's tests are all older than this many days: an unused pipeline
TEST_COLUMNS = [
    "session_id",
    "name",
    "state",
    "success",
    "status_id",
    "status_message",
    "browser",
    "browser_version",
    "os",
    "platform_name",
    "device_name",
    "duration",
    "created_at",
    "updated_at",
    "completed_at",
    "build",
    "groups",
    "sb_type",
    "sb_id",
]


def _key(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def seed(
    store: Store,
    seed_value: int = 1,
    accounts: int = 6,
    tests: int = 300,
    owner_key: str | None = None,
    owner_secret: str | None = None,
    now: float | None = None,
) -> None:
    """Fill an empty store. Keys come from the seeded generator too, so a seed is fully reproducible."""
    rng = random.Random(seed_value)
    now = time.time() if now is None else now
    store.add_user(*OWNER, "owner", owner_key or _key(rng), owner_secret or _key(rng))
    people = [store.add_user(f, lname, e, role, _key(rng), _key(rng)) for f, lname, e, role in PEOPLE]
    people.insert(0, store.owner()["id"])

    names = _identifiers(accounts, rng)
    created = [now - rng.uniform(31, 400) * DAY for _ in names]
    issued = [now - KEY_AGES[i % len(KEY_AGES)] * DAY - i for i in range(len(names))]
    created = [min(c, k) for c, k in zip(created, issued, strict=True)]
    store.bulk_insert(
        "service_accounts",
        [
            "identifier",
            "identifier_norm",
            "identifier_skel",
            "key",
            "secret",
            "created_at",
            "updated_at",
            "keys_issued_at",
        ],
        (
            (n, *identifiers.keys(n), _key(rng), _key(rng), c, k, k)
            for n, c, k in zip(names, created, issued, strict=True)
        ),
    )
    # One account deleted a week ago: its tests keep the "ci-old" label.
    gone = now - 7 * DAY
    store.bulk_insert(
        "service_accounts",
        ["identifier", "identifier_norm", "identifier_skel", "key", "secret", "created_at", "updated_at", "deleted_at"],
        [
            (
                DELETED_IDENTIFIER,
                *identifiers.keys(DELETED_IDENTIFIER),
                _key(rng),
                _key(rng),
                now - 500 * DAY,
                gone,
                gone,
            )
        ],
    )
    deleted_id = len(names) + 1
    store.bulk_insert("tests", TEST_COLUMNS, _tests(rng, tests, now, len(names), deleted_id, gone, people))
    store.sync_builds()  # builds group the seeded tests by their build name


def _identifiers(count: int, rng: random.Random) -> list[str]:
    names = IDENTIFIERS[:count]
    i = 0
    while len(names) < count:
        # Realistic but unique names for large teams: "<suite>-pipeline-0042".
        names.append(f"{SUITES[i % len(SUITES)]}-pipeline-{i:05d}")
        i += 1
    rng.shuffle(names)
    return names


def _tests(
    rng: random.Random, count: int, now: float, n_accounts: int, deleted_id: int, deleted_at: float, people: list[int]
):
    for i in range(count):
        created = now - rng.uniform(60, 30 * DAY)
        roll = rng.random()
        if roll < 0.08 and created < deleted_at:
            sb_type, sb_id = "service_account", deleted_id
        elif roll < 0.8 and n_accounts:
            # Skewed use: a few pipelines run most tests, as in real teams.
            sb_type, sb_id = "service_account", 1 + min(int(rng.expovariate(0.5)), n_accounts - 1)
            if sb_id == n_accounts and n_accounts >= 5:
                created = now - (UNUSED_AFTER + (now - created) / (3 * DAY)) * DAY  # 30 to 40 days ago
        else:
            sb_type, sb_id = "user", rng.choice(people)
        platform: str | None
        device: str | None
        if rng.random() < 0.25:
            platform, device = rng.choice(DEVICES)
            browser, version, os_name = ("safari" if platform == "iOS" else "chrome"), "", platform
        else:
            platform, device = None, None
            browser, versions = rng.choice(BROWSERS)
            version, os_name = rng.choice(versions), rng.choice(DESKTOP_OS)
        duration = rng.randint(8, 600)
        if created > now - 900 and rng.random() < 0.5:
            state, success, status_id, message, completed = "RUNNING", 0, 2, "", None
        elif rng.random() < 0.04:
            state, success, status_id, message = "TIMEOUT", 0, 0, "Test timed out"
            completed = created + duration
        elif rng.random() < 0.1:
            state, success, status_id, message, completed = "COMPLETE", 0, 2, "", created + duration
        else:
            ok = rng.random() < 0.82
            state, success, status_id = "COMPLETE", int(ok), int(ok)
            message, completed = ("" if ok else rng.choice(FAILURES)), created + duration
        suite = rng.choice(SUITES)
        build = f"build-{int(created // DAY) % 1000:03d}-{rng.randint(1, 9)}" if rng.random() < 0.85 else None
        yield (
            f"{rng.getrandbits(128):032x}",
            f"{suite} › {rng.choice(['happy path', 'edge cases', 'smoke'])} #{i}",
            state,
            success,
            status_id,
            message,
            browser,
            version,
            os_name,
            platform,
            device,
            duration if completed else 0,
            created,
            completed or created,
            completed,
            build,
            json.dumps([suite]),
            sb_type,
            sb_id,
        )
