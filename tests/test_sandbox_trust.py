"""Hostile input the sandbox must survive: never a 500, always a clear 4xx (issue #11, the sandbox side)."""

from __future__ import annotations

import base64

import pytest

from sandbox_helpers import asgi_sandbox

SA = "/v1/team-management/service-accounts"


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
        assert r.status_code == 200 and r.json()["name"] == "ok 😀"


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
