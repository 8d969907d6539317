"""The sandbox as a real process: Selenium, concurrency, persistence, signals, seeding."""

from __future__ import annotations

import asyncio
import signal
import threading

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from tbdesk.sandbox import Store
from tbdesk.sandbox.seed import seed
from tbdesk.sandbox.simulate import step
from tbdesk.sandbox.store import StoreError

from helpers.sandbox import SA, SEED_NOW, process_sandbox


# TestingBot documents https://KEY:SECRET@hub/wd/hub; Selenium warns about that form, and we test it on purpose.
@pytest.mark.filterwarnings("ignore:Embedding username and password in URL:UserWarning")
async def test_selenium_session_is_attributed_to_the_service_account(socket_sandbox):
    sb = socket_sandbox
    async with sb.client() as c:
        acct = (await c.post(SA, json={"identifier": "selenium-grid-check"})).json()
    host = sb.url.removeprefix("http://").removesuffix("/v1")
    options = Options()
    options.set_capability("tb:options", {"name": "selenium smoke", "build": "sel-1"})

    def run() -> str:
        # Remote WebDriver with credentials in the hub URL, as TestingBot's docs show it.
        driver = webdriver.Remote(f"http://{acct['key']}:{acct['secret']}@{host}/wd/hub", options=options)
        session = driver.session_id
        driver.quit()
        return session

    session_id = await asyncio.to_thread(run)
    async with sb.client() as c:
        tests = (await c.get("/v1/tests", params={"build": "sel-1"})).json()["data"]
    [test] = tests
    assert test["session_id"] == session_id and test["name"] == "selenium smoke"
    assert test["state"] == "COMPLETE" and test["browser"] == "chrome"
    assert test["started_by"] == {
        "type": "service_account",
        "id": acct["id"],
        "name": "selenium-grid-check",
        "deleted": False,
    }


async def test_twenty_parallel_creates_make_exactly_one(socket_sandbox):
    async with socket_sandbox.client() as c:
        answers = await asyncio.gather(*(c.post(SA, json={"identifier": "Race-Condition"}) for _ in range(20)))
        statuses = sorted(r.status_code for r in answers)
        assert statuses == [201] + [400] * 19
        listed = (await c.get(SA, params={"count": 500})).json()["data"]
        assert sum(a["identifier"].casefold() == "race-condition" for a in listed) == 1


def test_parallel_threads_on_the_store_never_lose_updates():
    """Real parallelism (threads) against the store: renames, rotations and deletes stay whole."""
    store = Store(":memory:")
    seed(store, 1, 0, 0, now=SEED_NOW)
    ids = [store.create_service_account(f"par-{i}")["id"] for i in range(10)]
    errors: list[Exception] = []
    barrier = threading.Barrier(30)

    def work(n: int) -> None:
        barrier.wait()
        target = ids[n % 10]
        try:
            if n < 10:
                store.rename_service_account(target, f"renamed-{n}")
            elif n < 20:
                store.rotate_service_account(target)
            elif n % 2:
                store.delete_service_account(target)
            else:
                store.create_service_account("same-name")
        except StoreError as exc:  # 404 after a delete, 400 for the duplicate: both are whole answers
            assert exc.status in (400, 404)
        except Exception as exc:  # pragma: no cover - a failure is reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = store.query("SELECT * FROM service_accounts")
    assert sum(r["identifier"] == "same-name" for r in rows) == 1
    for r in rows:
        assert r["key"] and r["secret"] and r["identifier"]
    live = [r for r in rows if r["deleted_at"] is None and r["id"] in ids]
    assert {r["identifier"] for r in live} <= {f"renamed-{i}" for i in range(10)}
    assert len({r["key"] for r in rows}) == len(rows)


def test_restart_keeps_data_and_sigterm_exits_cleanly(tmp_path):
    db = str(tmp_path / "sandbox.db")
    with process_sandbox("--db", db) as sb:
        with httpx.Client(base_url=sb.url.removesuffix("/v1"), auth=(sb.key, sb.secret)) as c:
            made = c.post(SA, json={"identifier": "survives-restart"}).json()
        sb.process.send_signal(signal.SIGTERM)
        assert sb.process.wait(10) == 0
    with process_sandbox("--db", db) as again:
        assert (again.key, again.secret) == (sb.key, sb.secret)
        with httpx.Client(base_url=again.url.removesuffix("/v1"), auth=(again.key, again.secret)) as c:
            got = c.get(f"{SA}/{made['id']}").json()
        assert got["identifier"] == "survives-restart" and got["secret"] == made["secret"]
        again.process.send_signal(signal.SIGINT)
        assert again.process.wait(10) == 0


def test_owner_pair_from_the_command_line():
    with process_sandbox("--db", ":memory:", "--owner-key", "k" * 32, "--owner-secret", "s" * 32) as sb:
        assert (sb.key, sb.secret) == ("k" * 32, "s" * 32)
        with httpx.Client(base_url=sb.url.removesuffix("/v1"), auth=(sb.key, sb.secret)) as c:
            assert c.get("/v1/user").json()["role"] == "owner"


def test_seed_is_deterministic_and_realistic():
    def snapshot(value: int):
        store = Store(":memory:")
        seed(store, value, now=SEED_NOW)
        accounts = [tuple(r) for r in store.query("SELECT identifier, key, secret FROM service_accounts")]
        tests = [tuple(r)[1:] for r in store.query("SELECT * FROM tests")]
        return accounts, tests, store

    a, ta, store = snapshot(7)
    b, tb, _ = snapshot(7)
    c, _, _ = snapshot(8)
    assert a == b and ta == tb and a != c
    live = store.query("SELECT identifier FROM service_accounts WHERE deleted_at IS NULL")
    assert len(live) == 6 and len({r[0] for r in live}) == 6
    assert store.query_one("SELECT COUNT(*) n FROM service_accounts WHERE deleted_at IS NOT NULL")["n"] == 1
    assert store.query_one("SELECT COUNT(*) n FROM tests")["n"] == 300
    stats = store.query_one(
        "SELECT MIN(created_at) lo, MAX(created_at) hi, COUNT(DISTINCT browser) b,"
        " COUNT(DISTINCT os) o, COUNT(DISTINCT build) bl, COUNT(DISTINCT sb_type) t FROM tests"
    )
    # 30 days of tests, and an unused pipeline whose last tests are 30 to 40 days old (tbdesk marks it unused).
    assert SEED_NOW - stats["lo"] <= 40 * 86400 and stats["b"] >= 4 and stats["o"] >= 5
    assert stats["bl"] > 10 and stats["t"] == 2


def test_large_seed_has_unique_identifiers():
    store = Store(":memory:")
    seed(store, 1, 2000, 5000, now=SEED_NOW)
    assert store.query_one("SELECT COUNT(DISTINCT identifier_norm) n FROM service_accounts")["n"] == 2001


def test_simulation_starts_and_finishes_tests():
    import random

    store = Store(":memory:")
    seed(store, 1, 3, 0, now=SEED_NOW)
    rng = random.Random(3)
    for _ in range(40):
        step(store, rng)
    states = {r["state"] for r in store.query("SELECT state FROM tests")}
    assert states == {"RUNNING", "COMPLETE"} or states == {"COMPLETE"}
    assert store.query_one("SELECT COUNT(*) n FROM tests")["n"] >= 10


@pytest.mark.parametrize("argv", [["--owner-key", "x"], ["--error-rate", "2"], ["--seed-tests", "-1"]])
def test_bad_command_lines_are_refused(argv):
    from tbdesk.sandbox.cli import parse_args

    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
