"""The sandbox's API and its rules, over ASGI in-process and over a real socket."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest

from tbdesk.core.waiting import until
from tbdesk.sandbox.faults import Faults

from helpers.sandbox import SA, asgi_sandbox, role_pair


def unique(prefix: str = "acct") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def create(c: httpx.AsyncClient, identifier: str) -> dict:
    r = await c.post(SA, json={"identifier": identifier})
    assert r.status_code == 201, r.text
    return r.json()


async def test_user_and_own_keys(sandbox):
    async with sandbox.client() as c:
        user = (await c.get("/v1/user")).json()
        assert user["role"] == "owner" and user["seconds"] == -1 and user["plan"]
        assert (await c.get("/v1/user/keys")).json() == {"key": sandbox.key, "secret": sandbox.secret}
        acct = await create(c, unique())
    async with sandbox.client(acct["key"], acct["secret"]) as robot:
        # A service account acts on the owner's account but /user/keys answers its own pair.
        assert (await robot.get("/v1/user")).json()["email"] == user["email"]
        assert (await robot.get("/v1/user/keys")).json() == {"key": acct["key"], "secret": acct["secret"]}
        assert (await robot.get("/v1/tests")).status_code == 200


async def test_team_lists_people_not_service_accounts(sandbox):
    async with sandbox.client() as c:
        team = (await c.get("/v1/team-management")).json()
        assert team["concurrency"]["allowed"]["vms"] == 10
        users = (await c.get("/v1/team-management/users")).json()
        roles = sorted(u["role"] for u in users["data"])
        assert roles == ["admin", "member", "viewer"] and users["meta"]["total"] == 3
        one = (await c.get(f"/v1/team-management/users/{users['data'][0]['id']}")).json()
        assert one["email"] == users["data"][0]["email"]
        assert set((await c.get(f"/v1/team-management/users/{one['id']}/client-key")).json()) == {"client_key"}
        idents = {a["identifier"] for a in (await c.get(SA, params={"count": 500})).json()["data"]}
        assert not idents & {u["email"] for u in users["data"]}
        assert (await c.get("/v1/team-management/users/999999")).status_code == 404


async def test_service_account_lifecycle(sandbox):
    async with sandbox.client() as c:
        name = unique("ci")
        acct = await create(c, f"  {name}  ")
        assert acct["identifier"] == name  # trimmed
        assert len(acct["key"]) == 32 and len(acct["secret"]) == 32
        listed = (await c.get(SA, params={"count": 500})).json()
        row = next(a for a in listed["data"] if a["id"] == acct["id"])
        assert "secret" not in row and row["key"] == acct["key"]
        assert (await c.get(f"{SA}/{acct['id']}")).json()["secret"] == acct["secret"]

        renamed = (await c.put(f"{SA}/{acct['id']}", json={"identifier": name + "-v2"})).json()
        got = (await c.get(f"{SA}/{acct['id']}")).json()
        assert renamed["identifier"] == name + "-v2"
        assert (got["key"], got["secret"]) == (acct["key"], acct["secret"])  # renaming keeps the pair

        rotated = (await c.post(f"{SA}/{acct['id']}/reset-keys")).json()
        assert rotated["key"] != acct["key"] and rotated["secret"] != acct["secret"]
        assert (await c.delete(f"{SA}/{acct['id']}")).json() == {"success": True}
        assert (await c.get(f"{SA}/{acct['id']}")).status_code == 404
        assert (await c.delete(f"{SA}/{acct['id']}")).status_code == 404


async def test_form_encoded_and_rails_style_writes(sandbox):
    async with sandbox.client() as c:
        r = await c.post(SA, data={"service_account[identifier]": unique("form")})
        assert r.status_code == 201
        r2 = await c.put(f"{SA}/{r.json()['id']}", data={"identifier": "plain-form-" + uuid.uuid4().hex[:6]})
        assert r2.status_code == 200 and r2.json()["identifier"].startswith("plain-form-")


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("ab", "at least 3"),
        ("  ab  ", "at least 3"),
        ("x" * 101, "at most 100"),
        ("bad\x07name", "control"),
        (42, "string"),
        (None, "string"),
        ("   ", "at least 3"),
    ],
)
async def test_identifier_rules(identifier, message):
    sb = asgi_sandbox()
    async with sb.client() as c:
        r = await c.post(SA, json={"identifier": identifier})
        assert r.status_code == 400
        assert message in r.json()["error"] and message in r.json()["fields"]["identifier"][0]


async def test_identifier_unique_ignoring_case(sandbox):
    async with sandbox.client() as c:
        name = unique("Dup")
        first = await create(c, name)
        r = await c.post(SA, json={"identifier": name.upper()})
        assert r.status_code == 400 and "already exists" in r.json()["fields"]["identifier"][0]
        other = await create(c, unique("other"))
        r = await c.put(f"{SA}/{other['id']}", json={"identifier": name.lower()})
        assert r.status_code == 400
        # Renaming to a different case of its own name is fine.
        assert (await c.put(f"{SA}/{first['id']}", json={"identifier": name.lower()})).status_code == 200
        # A deleted account's identifier can be reused.
        await c.delete(f"{SA}/{first['id']}")
        await create(c, name)
        assert (await c.post(SA, json={})).json()["fields"]["identifier"] == ["is required"]


@pytest.mark.parametrize("role", ["member", "viewer", "service_account"])
async def test_only_admins_manage_service_accounts(sandbox, role):
    async with sandbox.client() as owner:
        target = await create(owner, unique())
        robot = await create(owner, unique())
    key, secret = (robot["key"], robot["secret"]) if role == "service_account" else await role_pair(sandbox, role)
    async with sandbox.client(key, secret) as c:
        # "Team admins only": the list (keys included) too, not just the writes.
        attempts = [
            c.get(SA),
            c.post(SA, json={"identifier": unique()}),
            c.get(f"{SA}/{target['id']}"),
            c.put(f"{SA}/{target['id']}", json={"identifier": unique()}),
            c.post(f"{SA}/{target['id']}/reset-keys"),
            c.delete(f"{SA}/{target['id']}"),
        ]
        for r in await asyncio.gather(*attempts):
            assert r.status_code == 403 and r.json()["error"] == "Only team admins can manage service accounts."


async def test_admin_sub_account_manages(sandbox):
    key, secret = await role_pair(sandbox, "admin")
    async with sandbox.client(key, secret) as c:
        acct = await create(c, unique("by-admin"))
        assert (await c.post(f"{SA}/{acct['id']}/reset-keys")).status_code == 200


async def test_rotation_cuts_off_old_pair_on_api_and_hub(sandbox):
    async with sandbox.client() as c:
        acct = await create(c, unique("rot"))
        async with sandbox.client(acct["key"], acct["secret"]) as old:
            assert (await old.get("/v1/tests")).status_code == 200
            new = (await c.post(f"{SA}/{acct['id']}/reset-keys")).json()
            assert (await old.get("/v1/tests")).status_code == 401
            hub = await old.post("/wd/hub/session", json={"capabilities": {}})
            assert hub.status_code == 401 and hub.json()["value"]["error"] == "session not created"
        async with sandbox.client(new["key"], new["secret"]) as fresh:
            assert (await fresh.get("/v1/tests")).status_code == 200


async def test_deletion_cuts_off_pair_and_tests_keep_label(sandbox):
    async with sandbox.client() as c:
        name = unique("gone")
        acct = await create(c, name)
        async with sandbox.client(acct["key"], acct["secret"]) as robot:
            session = (await robot.post("/wd/hub/session", json={"capabilities": {}})).json()["value"]
            test_id = session["capabilities"]["tb:testId"]
            await c.delete(f"{SA}/{acct['id']}")
            assert (await robot.get("/v1/user")).status_code == 401
            assert (await robot.post("/wd/hub/session", json={})).status_code == 401
        test = (await c.get(f"/v1/tests/{test_id}")).json()
        assert test["started_by"] == {"type": "service_account", "id": acct["id"], "name": name, "deleted": True}


async def test_seeded_tests_mark_deleted_account_and_people():
    sb = asgi_sandbox()
    async with sb.client() as c:
        tests = (await c.get("/v1/tests", params={"count": 500})).json()["data"]
    kinds = {(t["started_by"]["type"], t["started_by"]["deleted"]) for t in tests}
    assert kinds == {("service_account", False), ("service_account", True), ("user", False)}
    assert {t["started_by"]["name"] for t in tests if t["started_by"]["deleted"]} == {"ci-old"}
    assert {t["state"] for t in tests} >= {"COMPLETE", "TIMEOUT"}


async def test_tests_paging_and_filters(sandbox):
    async with sandbox.client() as c:
        first = (await c.get("/v1/tests")).json()
        assert first["meta"]["count"] == 10 and len(first["data"]) == 10 and first["meta"]["total"] >= 300
        created = [t["created_at"] for t in first["data"]]
        assert created == sorted(created, reverse=True)  # newest first
        second = (await c.get("/v1/tests", params={"offset": 10, "count": 10})).json()
        assert not {t["id"] for t in first["data"]} & {t["id"] for t in second["data"]}
        assert (await c.get("/v1/tests", params={"count": 5000})).json()["meta"]["count"] == 500
        many = (await c.get("/v1/tests", params={"count": 500})).json()["data"]
        build = next(t["build"] for t in many if t["build"])
        by_build = (await c.get("/v1/tests", params={"build": build, "count": 500})).json()["data"]
        assert by_build and all(t["build"] == build for t in by_build)
        group = next(t["groups"][0] for t in many if t["groups"])
        by_group = (await c.get("/v1/tests", params={"group": group, "count": 500})).json()["data"]
        assert by_group and all(group in t["groups"] for t in by_group)
        for bad in ({"count": "x"}, {"offset": -1}, {"since": "yesterday"}, {"count": 0}):
            r = await c.get("/v1/tests", params=bad)
            assert r.status_code == 400 and r.json()["fields"]


async def test_since_returns_only_updated_tests(sandbox):
    async with sandbox.client() as c:
        acct = await create(c, unique("poll"))
        async with sandbox.client(acct["key"], acct["secret"]) as robot:
            head = (await c.get("/v1/tests", params={"count": 1})).json()["data"][0]
            from datetime import datetime

            mark = datetime.fromisoformat(head["updated_at"].replace("Z", "+00:00")).timestamp() + 0.5
            await until(lambda: time.time() > mark, timeout=5, what="the clock past the mark")
            session = (
                await robot.post("/wd/hub/session", json={"capabilities": {"alwaysMatch": {"browserName": "firefox"}}})
            ).json()["value"]
            fresh = (await c.get("/v1/tests", params={"since": mark, "count": 500})).json()["data"]
            assert session["capabilities"]["tb:testId"] in {t["id"] for t in fresh}
            assert all(t["updated_at"] >= head["updated_at"] for t in fresh)


async def test_update_stop_delete_test(sandbox):
    async with sandbox.client() as c:
        acct = await create(c, unique("upd"))
        async with sandbox.client(acct["key"], acct["secret"]) as robot:
            tid = (await robot.post("/wd/hub/session", json={})).json()["value"]["capabilities"]["tb:testId"]
        # The documented answer is {"success": true}: the update worked, whatever the test's own result.
        r = await c.put(
            f"/v1/tests/{tid}", data={"test[name]": "renamed", "test[success]": "1", "test[status_message]": "ok"}
        )
        assert r.status_code == 200 and r.json() == {"success": True}
        test = (await c.get(f"/v1/tests/{tid}")).json()
        assert test["name"] == "renamed" and test["status_id"] == 1 and test["status_message"] == "ok"
        r = await c.put(f"/v1/tests/{tid}", json={"success": False, "build": "b-7"})
        assert r.json() == {"success": True}
        test = (await c.get(f"/v1/tests/{tid}")).json()
        assert test["success"] is False and test["status_id"] == 0 and test["build"] == "b-7"
        assert (await c.put(f"/v1/tests/{tid}", json={"success": "maybe"})).status_code == 400
        assert (await c.put(f"/v1/tests/{tid}", json={"name": ["x"]})).status_code == 400
        assert (await c.put(f"/v1/tests/{tid}/stop")).json() == {"success": True}
        assert (await c.get(f"/v1/tests/{tid}")).json()["state"] == "COMPLETE"
        assert (await c.delete(f"/v1/tests/{tid}")).status_code == 200
        assert (await c.get(f"/v1/tests/{tid}")).status_code == 404


async def test_viewer_cannot_write_tests(sandbox):
    key, secret = await role_pair(sandbox, "viewer")
    async with sandbox.client(key, secret) as c:
        tid = (await c.get("/v1/tests")).json()["data"][0]["id"]
        assert (await c.put(f"/v1/tests/{tid}", json={"name": "x"})).status_code == 403
        assert (await c.get("/v1/user")).json()["read_only"] is True


async def test_error_statuses_are_json_with_rate_header(sandbox):
    async with sandbox.client() as c, sandbox.client(key=False) as anon:
        cases = [
            (await anon.get("/v1/user"), 401),
            (await c.get("/v1/nowhere"), 404),
            (await c.get("/v1/tests/abc"), 404),
            (await c.get("/v1/tests/99999999999999999999999999"), 404),
            (await c.patch("/v1/user"), 405),
            (await c.post(SA, content=b"{not json", headers={"content-type": "application/json"}), 400),
            (await c.post(SA, content=b"[1, 2]", headers={"content-type": "application/json"}), 400),
            (await c.post(SA, content=b"\xff\xfe", headers={"content-type": "application/json"}), 400),
            (await c.post(SA, content=b"<x/>", headers={"content-type": "application/xml"}), 415),
            (await c.post(SA, content=b"x" * (1024 * 1024 + 1), headers={"content-type": "application/json"}), 413),
        ]
        wrong = httpx.BasicAuth(sandbox.key, "0" * 32)
        cases.append((await c.get("/v1/user", auth=wrong), 401))
    for response, status in cases:
        assert response.status_code == status, response.text
        assert isinstance(response.json()["error"], str) and response.json()["error"]
        assert int(response.headers["x-ratelimit-remaining"]) >= 0


async def test_rate_limit_answers_429_with_retry_after():
    sb = asgi_sandbox(faults=Faults(rate_limit=3))
    async with sb.client() as c:
        remaining = [int((await c.get("/v1/user")).headers["x-ratelimit-remaining"]) for _ in range(3)]
        assert remaining == [2, 1, 0]
        r = await c.get("/v1/user")
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 300
        assert "Rate limit" in r.json()["error"]


async def test_error_rate_and_latency():
    sb = asgi_sandbox(faults=Faults(error_rate=1.0))
    async with sb.client() as c:
        r = await c.get("/v1/user")
        assert r.status_code == 503 and r.json()["error"]
    slow = asgi_sandbox(faults=Faults(latency_ms=120))
    async with slow.client() as c:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await c.get("/v1/user")
        assert loop.time() - start >= 0.12


async def test_openapi_documents_exactly_the_routes(sandbox):
    from tbdesk.sandbox.app import ROUTES

    async with sandbox.client(key=False) as c:
        doc = (await c.get("/openapi.json")).json()
    served = {(e.method.lower(), e.path) for e in ROUTES}
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert served == documented
    assert doc["paths"][SA]["post"]["responses"].keys() >= {"201", "400", "401", "403"}
