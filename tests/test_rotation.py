"""Bulk rotation against the sandbox: each key sent once, a true outcome for each, faults in the middle."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tbdesk.api import Credentials, RetryPolicy, TestingBotClient
from tbdesk.core.rotation import Outcome, rotate_each

from helpers.sandbox import SA, asgi_sandbox


class Faulty(httpx.AsyncBaseTransport):
    """The sandbox, with a fault per account id for its reset-keys request; counts every request."""

    def __init__(self, inner: httpx.AsyncBaseTransport, faults: dict[int, str]) -> None:
        self.inner, self.faults, self.sent = inner, faults, Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.sent[(request.method, path)] += 1
        if request.method == "POST" and path.endswith("/reset-keys"):
            account_id = int(path.split("/")[-2])
            fault = self.faults.get(account_id)
            if fault == "lost":  # applied, answer lost on the way back
                await self.inner.handle_async_request(request)
                raise httpx.ReadTimeout("answer lost", request=request)
            if fault == "lost-unapplied":
                raise httpx.ReadTimeout("answer lost", request=request)
            if fault == "400":
                return httpx.Response(400, json={"message": "Rotation refused for this account."})
            if fault == "401":
                return httpx.Response(401, json={"message": "bad key"})
        if request.method == "GET" and self.faults.get(-1) == "readback-down" and "/reset-keys" not in path:
            return httpx.Response(503, json={"error": "down"})
        return await self.inner.handle_async_request(request)


def _client(sb, transport) -> TestingBotClient:
    return TestingBotClient(Credentials(sb.key, sb.secret), sb.url, transport=transport, retry=RetryPolicy(attempts=1))


def test_a_failure_in_the_middle_loses_nothing_and_each_is_sent_once():
    sb = asgi_sandbox()
    accounts = asyncio.run(_list(sb))
    ids = [a.id for a in accounts]
    sb.store.delete_service_account(ids[4])  # deleted by another admin after the list was loaded
    faults = {ids[1]: "400", ids[2]: "lost", ids[3]: "lost-unapplied"}
    transport = Faulty(sb.transport, faults)
    seen: list[tuple[int, Outcome]] = []

    async def go():
        async with _client(sb, transport) as client:
            return await rotate_each(client, accounts, lambda i, r: seen.append((i, r.outcome)))

    results = asyncio.run(go())
    by_id = {r.account.id: r for r in results}
    assert [i for i, _ in seen] == list(range(len(accounts)))  # progress after each, in order
    assert by_id[ids[0]].outcome is Outcome.ROTATED and by_id[ids[0]].now.secret
    assert by_id[ids[1]].outcome is Outcome.FAILED and "refused" in by_id[ids[1]].reason
    assert by_id[ids[2]].outcome is Outcome.ROTATED and "new key is in place" in by_id[ids[2]].reason
    assert by_id[ids[2]].now.key == sb.store.service_account(ids[2])["key"] and by_id[ids[2]].now.secret
    assert by_id[ids[3]].outcome is Outcome.FAILED and "old key is still in place" in by_id[ids[3]].reason
    assert by_id[ids[4]].outcome is Outcome.GONE
    assert by_id[ids[5]].outcome is Outcome.ROTATED
    for a in accounts:  # each rotation sent exactly once, faults or not
        assert transport.sent[("POST", f"{SA}/{a.id}/reset-keys")] == 1
    for i in (0, 2, 5):  # the truth: rotated ones have new keys, the others kept theirs
        assert sb.store.service_account(ids[i])["key"] != accounts[i].key
    for i in (1, 3):
        assert sb.store.service_account(ids[i])["key"] == accounts[i].key


def test_unknown_stays_unknown_when_the_read_back_fails_too_and_401_stops_the_rest():
    sb = asgi_sandbox()
    accounts = asyncio.run(_list(sb))
    ids = [a.id for a in accounts]
    transport = Faulty(sb.transport, {ids[0]: "lost", -1: "readback-down", ids[2]: "401"})

    async def go():
        async with _client(sb, transport) as client:
            return await rotate_each(client, accounts, lambda i, r: None)

    results = asyncio.run(go())
    assert results[0].outcome is Outcome.UNKNOWN and "Reading back failed" in results[0].reason
    assert results[1].outcome is Outcome.ROTATED
    assert results[2].outcome is Outcome.FAILED and "not accepted" in results[2].reason
    assert all(r.outcome is Outcome.NOT_SENT for r in results[3:])
    assert sum(n for (m, p), n in transport.sent.items() if m == "POST") == 3


def test_stop_ends_after_the_request_in_flight():
    sb = asgi_sandbox()
    accounts = asyncio.run(_list(sb))
    stop = asyncio.Event()

    async def go():
        async with _client(sb, sb.transport) as client:
            return await rotate_each(client, accounts, lambda i, r: stop.set() if i == 1 else None, stop)

    results = asyncio.run(go())
    assert [r.outcome for r in results[:2]] == [Outcome.ROTATED, Outcome.ROTATED]
    assert all(r.outcome is Outcome.NOT_SENT and "Stopped" in r.reason for r in results[2:])
    assert sb.store.service_account(accounts[2].id)["key"] == accounts[2].key


async def _list(sb):
    async with _client(sb, sb.transport) as client:
        return sorted(await client.service_accounts(), key=lambda a: a.id)
