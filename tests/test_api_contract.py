"""The client against the real sandbox, in-process (ASGI) and over a socket: every method, every rule."""

from __future__ import annotations

import time
import uuid

import pytest

from tbdesk.api import (
    AuthenticationError,
    Credentials,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceAccount,
    TestingBotClient,
)
from tbdesk.core.waiting import until

pytestmark = pytest.mark.usefixtures("leakcheck")


def client_for(sb, key: str | None = None, secret: str | None = None) -> TestingBotClient:
    return TestingBotClient(Credentials(key or sb.key, secret or sb.secret), sb.url, transport=sb.transport)


def unique(prefix: str = "api") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_user_and_team(sandbox, leakcheck):
    leakcheck.watch(sandbox.key, sandbox.secret)
    async with client_for(sandbox) as api:
        user = await api.user()
        assert user.role == "owner" and user.can_manage and user.email.endswith("@example.com")
        team = await api.team()
        assert team.allowed_vms == 10 and team.plan
        assert api.rate_limit_remaining is not None and api.rate_limit_remaining > 0


async def test_every_service_account_method(sandbox, leakcheck):
    async with client_for(sandbox) as api:
        name = unique()
        made = await api.create_service_account(f" {name} ")
        leakcheck.watch(made.key, made.secret)
        assert made.identifier == name and made.secret and made.created_at is not None
        listed = await api.service_accounts()
        row = next(a for a in listed if a.id == made.id)
        assert row.secret is None and row.key == made.key
        assert (await api.service_account(made.id)).secret == made.secret
        assert (await api.find_service_account(name.upper())).id == made.id
        renamed = await api.rename_service_account(made.id, name + "-x")
        again = await api.service_account(made.id)
        assert renamed.identifier == name + "-x" and (again.key, again.secret) == (made.key, made.secret)
        rotated = await api.rotate_service_account(made.id)
        leakcheck.watch(rotated.key, rotated.secret)
        assert rotated.key != made.key and rotated.secret != made.secret
        await api.delete_service_account(made.id)
        with leakcheck.raises(NotFound):
            await api.service_account(made.id)
        assert await api.find_service_account(name + "-x") is None


async def test_rotation_cuts_off_the_old_pair(sandbox, leakcheck):
    async with client_for(sandbox) as api:
        made = await api.create_service_account(unique("rot"))
        async with client_for(sandbox, made.key, made.secret) as robot:
            assert (await robot.user()).id == (await api.user()).id  # acts on the owner's account
            rotated = await api.rotate_service_account(made.id)
            with leakcheck.raises(AuthenticationError) as info:
                await robot.user()
            assert "rotated" in info.value.message
        async with client_for(sandbox, rotated.key, rotated.secret) as fresh:
            await fresh.tests(count=1)


async def test_deletion_keeps_the_label_on_tests(sandbox, leakcheck):
    async with client_for(sandbox) as api:
        name = unique("del")
        made = await api.create_service_account(name)
        async with sandbox.client(made.key, made.secret) as raw:
            r = await raw.post("/wd/hub/session", json={"capabilities": {}})
            session_id = r.json()["value"]["sessionId"]
        await api.delete_service_account(made.id)
        test = await api.test(session_id)  # by WebDriver session id, as TestingBot documents
        assert test.started_by is not None and test.started_by.is_service_account
        assert test.started_by.label == f"{name} (deleted)" and test.status == "running"
        async with client_for(sandbox, made.key, made.secret) as robot:
            with leakcheck.raises(AuthenticationError):
                await robot.tests()


@pytest.mark.parametrize("role", ["member", "viewer"])
async def test_non_admins_get_permission_denied(sandbox, role, leakcheck):
    from helpers.sandbox import role_pair

    key, secret = await role_pair(sandbox, role)
    leakcheck.watch(key, secret)
    async with client_for(sandbox, key, secret) as api:
        user = await api.user()
        assert user.role == role and not user.can_manage
        with leakcheck.raises(PermissionDenied):  # the list too: service accounts are for team admins only
            await api.service_accounts()
        with leakcheck.raises(PermissionDenied) as info:
            await api.create_service_account(unique())
        assert "Only team admins" in info.value.message


async def test_invalid_input_carries_field_messages(sandbox, leakcheck):
    async with client_for(sandbox) as api:
        with leakcheck.raises(InvalidInput) as short:
            await api.create_service_account("ab")
        assert short.value.fields["identifier"] == ["Identifier must be at least 3 characters."]
        name = unique("dup")
        await api.create_service_account(name)
        with leakcheck.raises(InvalidInput) as dup:
            await api.create_service_account(name.upper())
        assert "already exists" in dup.value.fields["identifier"][0]


async def test_tests_pages_and_polling(sandbox, leakcheck):
    async with client_for(sandbox) as api:
        first = await api.tests(count=25)
        assert len(first.items) == 25 and first.total >= 300
        assert [t.created_at for t in first.items] == sorted((t.created_at for t in first.items), reverse=True)
        assert {t.status for t in (await api.tests(count=500)).items} >= {"passed", "failed"}
        assert all(t.started_by is not None for t in first.items)
        made = await api.create_service_account(unique("poll"))
        mark = max(t.updated_at for t in first.items).timestamp() + 1
        async with sandbox.client(made.key, made.secret) as raw:
            await until(lambda: time.time() >= mark, timeout=5, what="the clock past the mark")  # 1 s resolution
            r = await raw.post("/wd/hub/session", json={"capabilities": {}})
        new_id = r.json()["value"]["capabilities"]["tb:testId"]
        fresh = await api.tests_since(mark)
        assert new_id in {t.id for t in fresh}
        assert next(t for t in fresh if t.id == new_id).started_by.name == made.identifier


async def test_full_load_of_many_accounts_pages_in_parallel(leakcheck):
    from helpers.sandbox import asgi_sandbox

    sb = asgi_sandbox(accounts=1234, tests=0)
    async with client_for(sb) as api:
        seen: list[int] = []
        accounts = await api.service_accounts(on_page=lambda rows: seen.append(len(rows)))
        assert len(accounts) == 1234 and len({a.id for a in accounts}) == 1234
        assert api.requests_sent == 3 and sum(seen) == 1234
        assert all(isinstance(a, ServiceAccount) for a in accounts)
