"""Hostile input the sandbox must survive: never a 500, always a clear 4xx (issue #11, the sandbox side)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import uuid

import httpx
import pytest

from tbdesk.sandbox import Store, create_app
from tbdesk.sandbox.child import SandboxProcess
from tbdesk.sandbox.faults import Faults, RateLimiter
from tbdesk.sandbox.seed import seed

from helpers.sandbox import SA, Sandbox, asgi_sandbox


def basic(key: bytes, secret: bytes) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(key + b":" + secret).decode()}


# -- never a 500 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    ["sécret-ünïcode".encode(), "秘密".encode(), b"\xff\xfe\xfd", b"\xed\xa0\x80", "🔑".encode()],
    ids=["latin", "cjk", "not-utf8", "encoded-surrogate", "emoji"],
)
async def test_valid_key_with_a_hostile_secret_is_a_401(secret):
    sb = asgi_sandbox()
    async with sb.client(key=False) as c:
        r = await c.get("/v1/user", headers=basic(sb.key.encode(), secret))
    assert r.status_code == 401 and "Authentication failed" in r.json()["error"]


@pytest.mark.parametrize(
    "key", ["ключ".encode(), b"\xc3\x28", b"\xed\xb0\x80"], ids=["cyrillic", "bad-utf8", "surrogate"]
)
async def test_hostile_key_is_a_401(key):
    sb = asgi_sandbox()
    async with sb.client(key=False) as c:
        r = await c.get("/v1/user", headers=basic(key, sb.secret.encode()))
    assert r.status_code == 401 and r.json()["error"]


async def test_non_ascii_authorization_header_bytes_are_a_401():
    sb = asgi_sandbox()
    async with sb.client(key=False) as c:
        r = await c.get("/v1/user", headers={"authorization": b"Basic \xe9\xff\x00abc"})
    assert r.status_code == 401 and r.json()["error"]


@pytest.mark.parametrize("opener", ["[", '{"a":'])
async def test_deeply_nested_json_is_a_400(opener):
    sb = asgi_sandbox()
    body = (opener * 100_000).encode()
    async with sb.client() as c:
        for method, path in (("POST", SA), ("PUT", "/v1/tests/1"), ("POST", "/wd/hub/session")):
            r = await c.request(method, path, content=body, headers={"content-type": "application/json"})
            assert r.status_code == 400, (path, r.text)
            message = r.json()["value"]["message"] if path.startswith("/wd/") else r.json()["error"]
            assert "nested too deeply" in message


@pytest.mark.parametrize("depth", [33, 500, 900])
async def test_valid_but_deeply_nested_json_is_a_400(depth):
    """Balanced, parseable nesting: refused at a fixed depth, not wherever the stack happens to end."""
    sb = asgi_sandbox()
    nested = ("[" * depth + "]" * depth).encode()
    async with sb.client() as c:
        r = await c.post(SA, content=b'{"identifier": ' + nested + b"}", headers={"content-type": "application/json"})
        assert r.status_code == 400 and "nested too deeply" in r.json()["error"]
        # What a Selenium client sends nests a few levels: still fine.
        caps = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"prefs": {"a": {"b": [1]}}}}}
        assert (await c.post("/wd/hub/session", json={"capabilities": caps})).status_code == 200


async def test_lone_surrogate_in_a_test_field_is_a_400():
    sb = asgi_sandbox()
    async with sb.client() as c:
        tid = (await c.get("/v1/tests")).json()["data"][0]["id"]
        for field in ("name", "status_message", "build", "extra"):
            body = b'{"test": {"' + field.encode() + b'": "ok \\ud800 then"}}'
            r = await c.put(f"/v1/tests/{tid}", content=body, headers={"content-type": "application/json"})
            assert r.status_code == 400, r.text
            assert "surrogate" in r.json()["error"]
        # A correctly paired surrogate escape is a real character and is kept.
        r = await c.put(f"/v1/tests/{tid}", json={"name": "ok 😀"})
        assert r.status_code == 200 and r.json() == {"success": True}  # the documented answer
        assert (await c.get(f"/v1/tests/{tid}")).json()["name"] == "ok 😀"


async def test_lone_surrogate_in_hub_capabilities_is_a_w3c_400():
    sb = asgi_sandbox()
    body = b'{"capabilities": {"alwaysMatch": {"browserName": "chr\\udc80ome"}}}'
    async with sb.client() as c:
        r = await c.post("/wd/hub/session", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        value = r.json()["value"]
        assert value["error"] == "invalid argument" and "surrogate" in value["message"]
        # The identifier field takes the same path.
        r = await c.post(
            SA, content=b'{"identifier": "\\ud83d-pipeline"}', headers={"content-type": "application/json"}
        )
        assert r.status_code == 400 and "surrogate" in r.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/wd/hub/nowhere", 404, "unknown command"),
        ("PATCH", "/wd/hub/session", 405, "unknown method"),
        ("DELETE", "/wd/hub/session/nope", 404, "invalid session id"),
    ],
)
async def test_hub_errors_are_w3c_shaped(method, path, status, error):
    sb = asgi_sandbox()
    async with sb.client() as c:
        r = await c.request(method, path)
    assert r.status_code == status
    value = r.json()["value"]
    assert value["error"] == error and value["message"] and "stacktrace" in value


# -- look-alike identifiers -----------------------------------------------------------------------

LOOK_ALIKES = {
    "U+2010 hyphen": "ci\u2010deploy",
    "U+2212 minus": "ci\u2212deploy",
    "fullwidth": "ｃｉ-ｄｅｐｌｏｙ",
    "Cyrillic es and ie": "\u0441i-d\u0435ploy",
    "digit one for l": "ci-dep1oy",
    "capitals": "CI-DEPLOY",
}
REFUSED = {
    "zero-width space": ("ci\u200b-deploy", "invisible"),
    "zero-width joiner": ("ci-\u200ddeploy", "invisible"),
    "right-to-left override": ("\u202eci-deploy", "bidirectional"),
    "left-to-right isolate": ("ci-deploy\u2066x", "bidirectional"),
    "BOM": ("\ufeffci-deploy", "invisible"),
    "soft hyphen": ("ci-de\u00adploy", "invisible"),
    "invisible only": ("\u200b\u2060\u200b\u2060", "invisible"),
    "Hangul fillers only": ("\u3164\u3164\u3164", "invisible"),
}


@pytest.mark.parametrize("name", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
async def test_look_alike_of_an_existing_identifier_is_refused(name):
    sb = asgi_sandbox()
    async with sb.client() as c:
        assert (await c.post(SA, json={"identifier": "ci-deploy"})).status_code == 201
        other = (await c.post(SA, json={"identifier": "release-train"})).json()
        for r in (
            await c.post(SA, json={"identifier": name}),
            await c.put(f"{SA}/{other['id']}", json={"identifier": name}),
        ):
            assert r.status_code == 400, r.text
            message = r.json()["fields"]["identifier"][0]
            assert "“ci-deploy”" in message and ("already exists" in message or "looks the same" in message)


@pytest.mark.parametrize(("name", "reason"), REFUSED.values(), ids=REFUSED.keys())
async def test_invisible_and_bidi_characters_are_refused(name, reason):
    sb = asgi_sandbox()
    async with sb.client() as c:
        r = await c.post(SA, json={"identifier": name})
        assert r.status_code == 400, r.text
        assert reason in r.json()["error"] and "U+" in r.json()["fields"]["identifier"][0]


async def test_identifiers_are_stored_nfkc_so_nfd_and_nfc_are_one_name():
    sb = asgi_sandbox()
    nfc, nfd = "caf\u00e9-nightly", "cafe\u0301-nightly"
    async with sb.client() as c:
        made = (await c.post(SA, json={"identifier": nfd})).json()
        assert made["identifier"] == nfc  # stored composed
        r = await c.post(SA, json={"identifier": nfc})
        assert r.status_code == 400 and "already exists" in r.json()["error"]
        wide = (await c.post(SA, json={"identifier": "ｎｉｇｈｔｌｙ-ｅ２ｅ"})).json()
        assert wide["identifier"] == "nightly-e2e"
        # Renaming an account to a look-alike of its own name is a rename, not a clash.
        r = await c.put(f"{SA}/{made['id']}", json={"identifier": "CAFÉ-NIGHTLY"})
        assert r.status_code == 200 and r.json()["identifier"] == "CAFÉ-NIGHTLY"


def test_a_file_made_under_the_old_rules_is_rekeyed(tmp_path):
    """Old files folded case only: opening one recomputes the keys, and look-alikes already there both stay."""
    import sqlite3

    from tbdesk.sandbox.store import StoreError

    path = str(tmp_path / "old.db")
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX sa_live_skeleton")
    db.execute("ALTER TABLE service_accounts DROP COLUMN identifier_skel")  # as older versions made it
    rows = [("ci-deploy", "ci-deploy"), ("ci\u2010deploy", "ci\u2010deploy")]
    db.executemany(
        "INSERT INTO service_accounts (identifier, identifier_norm, key, secret, created_at, updated_at)"
        " VALUES (?, ?, lower(hex(randomblob(16))), lower(hex(randomblob(16))), 0, 0)",
        rows,
    )
    db.execute("PRAGMA user_version = 0")
    db.commit()
    db.close()
    store = Store(path)
    assert len(store.service_accounts(0, 10)[0]) == 2
    with pytest.raises(StoreError, match="already exists"):
        store.create_service_account("CI-deploy")
    with pytest.raises(StoreError, match="looks the same"):
        store.create_service_account("ci\u2212deploy")
    store.close()


# -- rate limiting --------------------------------------------------------------------------------


async def test_wrong_secrets_count_against_the_address_not_the_keys_owner():
    sb = asgi_sandbox(faults=Faults(rate_limit=10))
    async with sb.client(sb.key, "0" * 32) as attacker, sb.client() as owner:
        statuses = [(await attacker.get("/v1/user")).status_code for _ in range(12)]
        assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
        # The real owner of the key is not locked out: its requests are its own to count.
        r = await owner.get("/v1/user")
        assert r.status_code == 200 and int(r.headers["x-ratelimit-remaining"]) == 9


async def test_fresh_random_keys_do_not_bypass_the_limit():
    sb = asgi_sandbox(faults=Faults(rate_limit=10))
    statuses = []
    for _ in range(11):
        async with sb.client(uuid.uuid4().hex, uuid.uuid4().hex) as c:
            statuses.append((await c.get("/v1/user")).status_code)
    assert statuses == [401] * 10 + [429]
    async with sb.client(key=False) as anonymous:  # no credentials at all: the same address, the same count
        assert (await anonymous.get("/openapi.json")).status_code == 429


async def test_authenticated_requests_count_per_account_across_rotation():
    sb = asgi_sandbox(faults=Faults(rate_limit=10))
    async with sb.client() as owner:
        acct = (await owner.post(SA, json={"identifier": "rate-limited"})).json()
    async with sb.client(acct["key"], acct["secret"]) as robot:
        left = [int((await robot.get("/v1/tests")).headers["x-ratelimit-remaining"]) for _ in range(4)]
        assert left == [9, 8, 7, 6]
    async with sb.client() as owner:  # another principal: its own count (1 request so far)
        rotated = (await owner.post(f"{SA}/{acct['id']}/reset-keys")).json()
        assert int((await owner.get("/v1/user")).headers["x-ratelimit-remaining"]) == 7
    async with sb.client(rotated["key"], rotated["secret"]) as robot:
        # A new pair for the same account does not start a fresh count.
        assert int((await robot.get("/v1/tests")).headers["x-ratelimit-remaining"]) == 5


async def test_hub_rate_limit_answer_is_w3c_shaped():
    sb = asgi_sandbox(faults=Faults(rate_limit=1))
    async with sb.client() as c:
        await c.get("/v1/user")
        r = await c.post("/wd/hub/session", json={"capabilities": {}})
    assert r.status_code == 429 and r.json()["value"]["error"] and r.json()["value"]["message"]


def test_rate_table_stays_bounded_under_a_flood_of_addresses_and_keys():
    """100,000 distinct callers: the table never holds more than its cap, and memory stays flat."""
    import tracemalloc

    limiter = RateLimiter(limit=10, max_buckets=1000)
    for i in range(2000):  # fill past the cap once, so that what follows measures steady state
        limiter.hit(f"address:10.0.{i // 256}.{i % 256}", float(i))
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for i in range(100_000):
        limiter.hit(f"address:10.{i // 65536}.{i // 256 % 256}.{i % 256}", float(i))
        assert len(limiter) <= 1000
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    assert grown < 200_000, grown  # bytes; unbounded, 100,000 entries would be ~20 MB


async def test_thousands_of_fresh_keys_keep_one_entry_per_address():
    sb = asgi_sandbox(faults=Faults(rate_limit=10**9))
    app = sb.transport.app
    for host in ("10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2"):  # the two IPv6 share one /64
        transport = httpx.ASGITransport(app=app, client=(host, 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://sb") as c:
            for _ in range(1500):
                await c.get("/v1/user", auth=(uuid.uuid4().hex, uuid.uuid4().hex))
    assert len(app.limiter) == 3


# -- the database file ----------------------------------------------------------------------------


def file_sandbox(path) -> Sandbox:
    store = Store(str(path))
    seed(store, 1, 6, 20)
    owner = store.owner()
    transport = httpx.ASGITransport(app=create_app(store))
    return Sandbox("http://127.0.0.1/v1", owner["key"], owner["secret"], transport, store)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_database_file_gone_while_running_refuses_writes_with_503(tmp_path, caplog, how):
    path = tmp_path / "sandbox.db"
    sb = file_sandbox(path)
    async with sb.client() as c:
        acct = (await c.post(SA, json={"identifier": "before-the-loss"})).json()
        rotated = (await c.post(f"{SA}/{acct['id']}/reset-keys")).json()  # saved: the old pair is gone for good
        for leftover in tmp_path.iterdir():
            leftover.unlink()
        if how == "replaced":
            path.write_bytes(b"")
        writes = [
            await c.post(SA, json={"identifier": "after-the-loss"}),
            await c.post(f"{SA}/{acct['id']}/reset-keys"),
            await c.put(f"{SA}/{acct['id']}", json={"identifier": "renamed-after"}),
            await c.delete(f"{SA}/{acct['id']}"),
        ]
        for r in writes:
            assert r.status_code == 503, r.text
            assert "database file" in r.json()["error"] and "restart" in r.json()["error"]
        assert (await c.get("/v1/user")).status_code == 200  # reads go on from what is open
    assert any("database file" in rec.getMessage() for rec in caplog.records if rec.levelname == "ERROR")
    # Nothing happened that a restart would lose: the pair the user was last given is still the live one.
    async with sb.client(acct["key"], acct["secret"]) as old:
        assert (await old.get("/v1/user")).status_code == 401
    async with sb.client(rotated["key"], rotated["secret"]) as current:
        assert (await current.get("/v1/user")).status_code == 200


def run_sandbox(args: list[str], *prefix: str) -> subprocess.CompletedProcess[str]:
    """Start the sandbox CLI the one way (tbdesk.sandbox.child); one that wrongly starts is stopped at once."""
    child = SandboxProcess(args, prefix=list(prefix), on_line=None)
    try:
        child.start_blocking()
    except RuntimeError:
        pass  # what these tests expect: it said why and ended
    finally:
        child.stop_blocking()
    assert child.process is not None
    return subprocess.CompletedProcess(child.process.args, child.process.returncode, "\n".join(child.output))


@pytest.mark.socket
def test_read_only_database_is_refused_at_start(tmp_path):
    """As root, file modes do not bind: the sandbox then runs without the capability that overrides them."""
    path = tmp_path / "sandbox.db"
    store = Store(str(path))
    seed(store, 1, 2, 5)
    store.close()
    path.chmod(0o444)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv (util-linux) is missing")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    result = run_sandbox(["--db", str(path)], *prefix)
    assert result.returncode != 0 and "ready" not in result.stdout, result.stdout
    assert "cannot write the database" in result.stdout and str(path) in result.stdout
    assert "Traceback" not in result.stdout


@pytest.mark.socket
def test_unopenable_database_path_is_refused_at_start(tmp_path):
    result = run_sandbox(["--db", str(tmp_path / "no-such-folder" / "sandbox.db")])
    assert result.returncode != 0 and "ready" not in result.stdout
    assert "cannot open the database" in result.stdout and "Traceback" not in result.stdout
