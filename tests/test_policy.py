"""The role rules (tbdesk/sandbox/policy.py), checked for every route and every role over the real app."""

from __future__ import annotations

import re

import pytest

from tbdesk.sandbox import policy
from tbdesk.sandbox.app import ROUTES

from helpers.sandbox import asgi_sandbox

SB = asgi_sandbox()


def people_of(store) -> dict:
    return {row["role"]: row for row in [store.owner(), *store.sub_accounts(0, 10)[0]]}


PEOPLE = people_of(SB.store)
ROBOT = SB.store.service_accounts(0, 1)[0][0]
PAIRS = {role: (row["key"], row["secret"]) for role, row in PEOPLE.items()}
PAIRS[policy.SERVICE_ACCOUNT] = (ROBOT["key"], ROBOT["secret"])
GUARDED = [r for r in ROUTES if r.access != "public"]


def test_every_role_has_a_pair_and_every_level_is_known():
    assert set(PAIRS) == set(policy.ROLES)
    assert {r.access for r in GUARDED} <= set(policy.ACCESS)


def test_the_table_says_what_the_service_accounts_page_says():
    assert policy.ACCESS["service_accounts"].roles == {"owner", "admin"}  # "team admins only"
    assert "service_account" not in policy.ACCESS["self"].roles  # "a service account cannot sign in"
    assert "viewer" not in policy.ACCESS["write"].roles


@pytest.mark.parametrize("role", policy.ROLES)
@pytest.mark.parametrize("route", GUARDED, ids=lambda r: f"{r.method} {r.path}")
async def test_route_refuses_exactly_the_roles_the_policy_refuses(route, role):
    # An id that does not exist: allowed callers get 404/400/501, never a change; refused ones get 403.
    path = re.sub(r"{[^}]+}", "999999", route.path).replace("{rest:path}", "x")
    async with SB.client(*PAIRS[role]) as c:
        r = await c.request(route.method, path, json={})
    if policy.allowed(route.access, role):
        assert r.status_code != 403, r.text
    else:
        body = r.json()
        said = body["value"]["message"] if route.path.startswith("/wd/hub") else body["error"]  # W3C on the hub
        assert r.status_code == 403 and said == policy.ACCESS[route.access].refusal


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("owner", "owner", True),
        ("owner", "admin", True),
        ("owner", "member", True),
        ("admin", "owner", False),  # nobody but the owner resets or reads the owner's credentials
        ("admin", "admin", True),
        ("admin", "member", True),
        ("admin", "viewer", True),
        ("member", "viewer", False),
        ("viewer", "member", False),
        ("service_account", "member", False),
    ],
)
async def test_who_may_read_or_reset_whose_credentials(actor, target, allowed):
    sb = asgi_sandbox()
    people = people_of(sb.store)
    robot = sb.store.service_accounts(0, 1)[0][0]
    pair = (
        (robot["key"], robot["secret"])
        if actor == "service_account"
        else (people[actor]["key"], people[actor]["secret"])
    )
    target_id = people[target]["id"]
    async with sb.client(*pair) as c:
        read = await c.get(f"/v1/team-management/users/{target_id}/client-key")
        reset = await c.post(f"/v1/team-management/users/{target_id}/reset-keys")
    if allowed:
        assert read.status_code == 200 and read.json() == {"client_key": people[target]["key"]}
        assert reset.status_code == 200 and reset.json()["client_key"] != people[target]["key"]
        assert sb.store.authenticate(people[target]["key"], people[target]["secret"]) is None
    else:
        assert (read.status_code, reset.status_code) == (403, 403)
        assert sb.store.authenticate(people[target]["key"], people[target]["secret"]) is not None
