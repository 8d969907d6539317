"""Every error type from exact faults (httpx.MockTransport); writes are never re-sent; GET retries are bounded."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

from tbdesk.api import (
    AuthenticationError,
    Credentials,
    InvalidInput,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    RetryPolicy,
    ServerError,
    TestingBotClient,
    check_base_url,
)

pytestmark = pytest.mark.usefixtures("leakcheck")
KEY, SECRET = "f" * 31 + "1", "e" * 31 + "2"
ACCOUNT = {"id": 7, "identifier": "ci-runner", "key": "a" * 32, "secret": "b" * 32}


class Faulty:
    """A MockTransport handler that answers from a script and counts what was sent."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.sent: Counter[str] = Counter()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent[request.method] += 1
        assert request.headers["authorization"].startswith("Basic ")
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def make(handler: Faulty, sleeps: list[float] | None = None, **kw) -> TestingBotClient:
    async def fake_sleep(delay: float) -> None:
        (sleeps if sleeps is not None else []).append(delay)

    return TestingBotClient(
        Credentials(KEY, SECRET),
        "https://api.example.test/v1",
        transport=httpx.MockTransport(handler),
        sleep=fake_sleep,
        **kw,
    )


def resp(status: int, body=None, headers=None, text: str | None = None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


STATUS_CASES = [
    (resp(400, {"error": "Identifier too short", "fields": {"identifier": ["at least 3"]}}), InvalidInput),
    (resp(401, {"error": "bad credentials"}), AuthenticationError),
    (resp(403, {"error": "Only team admins can manage service accounts."}), PermissionDenied),
    (resp(404, {"error": "Not found."}), NotFound),
    (resp(429, {"error": "slow down"}, {"Retry-After": "900"}), RateLimited),
    (resp(500, {"message": "boom"}), ServerError),
    (resp(502, text="<html><body>Bad gateway</body></html>"), ServerError),
    (resp(200, text="<html>not json</html>"), ProtocolError),
    (resp(200, ["a", "list"]), ProtocolError),
    (resp(200, {"identifier": "x", "key": "k"}), ProtocolError),  # missing id
    (resp(200, {"id": "7", "identifier": "x", "key": "k"}), ProtocolError),  # id of the wrong type
]


@pytest.mark.parametrize(("answer", "kind"), STATUS_CASES)
async def test_each_status_maps_to_a_typed_error(answer, kind, leakcheck):
    async with make(Faulty(answer), retry=RetryPolicy(attempts=1)) as api:
        with leakcheck.raises(kind) as info:
            await api.service_account(7)
    err = info.value
    assert err.message and "<html" not in err.message and err.operation == "Reading the service account"
    if kind is InvalidInput:
        assert err.fields == {"identifier": ["at least 3"]}
    if kind is RateLimited:
        assert err.retry_after == 900


NETWORK_CASES = [
    (httpx.ConnectError("[Errno 111] Connection refused"), "refused", False),
    (httpx.ConnectError("[Errno -2] Name or service not known"), "dns", False),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "tls", False),
    (httpx.ConnectTimeout("timed out"), "timeout", False),
    (httpx.ReadTimeout("timed out"), "timeout", True),
    (httpx.ReadError("Connection reset by peer"), "reset", True),
    (httpx.RemoteProtocolError("Server disconnected without sending a response."), "reset", True),
]


@pytest.mark.parametrize(("fault", "kind", "sent"), NETWORK_CASES)
async def test_network_faults_on_a_write_are_sent_once(fault, kind, sent, leakcheck):
    handler = Faulty(fault)
    async with make(handler) as api:
        with leakcheck.raises(NetworkError) as info:
            await api.create_service_account("ci-runner")
    assert info.value.kind == kind and handler.sent == Counter({"POST": 1})
    # Only a request that got out can have been applied: then the outcome is unknown.
    assert info.value.outcome_unknown is sent
    assert ("may or may not" in info.value.message) is sent


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("call", ["create", "rename", "rotate", "delete"])
async def test_writes_are_never_resent(status, call, leakcheck):
    handler = Faulty(resp(status, {"error": "x"}, {"Retry-After": "1"}))
    sleeps: list[float] = []
    async with make(handler, sleeps) as api:
        op = {
            "create": lambda: api.create_service_account("abc"),
            "rename": lambda: api.rename_service_account(1, "abc"),
            "rotate": lambda: api.rotate_service_account(1),
            "delete": lambda: api.delete_service_account(1),
        }[call]
        with leakcheck.raises(RateLimited if status == 429 else ServerError) as info:
            await op()
    assert sum(handler.sent.values()) == 1 and not sleeps
    assert info.value.outcome_unknown is (status in (500, 502, 504))


async def test_get_retries_stop_within_their_bound(leakcheck):
    handler, sleeps = Faulty(resp(503, {"error": "down"})), []
    policy = RetryPolicy(attempts=4, base_delay=0.3, budget=20)
    async with make(handler, sleeps, retry=policy) as api:
        with leakcheck.raises(ServerError):
            await api.user()
    assert handler.sent == Counter({"GET": 4}) and len(sleeps) == 3
    assert sum(sleeps) <= policy.budget and sleeps == sorted(sleeps)


@pytest.mark.parametrize(
    ("fault", "tries"), [(httpx.ReadTimeout("timed out"), 1), (httpx.ConnectTimeout("timed out"), 4)]
)
async def test_a_get_the_server_took_but_never_answered_is_not_asked_again(fault, tries, leakcheck):
    # A read timeout already waited the whole timeout (15 s): retrying it kept "copy secret" busy for 80 s.
    handler, sleeps = Faulty(fault), []
    async with make(handler, sleeps, retry=RetryPolicy(attempts=4, base_delay=0.3, budget=20)) as api:
        with leakcheck.raises(NetworkError) as info:
            await api.user()
    assert info.value.kind == "timeout" and handler.sent == Counter({"GET": tries})


async def test_get_retry_budget_cuts_retries_short(leakcheck):
    handler, sleeps = Faulty(resp(429, {}, {"Retry-After": "8"})), []
    async with make(handler, sleeps, retry=RetryPolicy(attempts=10, budget=20)) as api:
        with leakcheck.raises(RateLimited):
            await api.tests()
    assert sum(sleeps) <= 20 and handler.sent["GET"] == 3 and all(s >= 8 for s in sleeps)


async def test_get_honours_retry_after_then_succeeds(leakcheck):
    user = {"id": 1, "first_name": "A", "last_name": "B", "email": "a@b.c"}
    handler, sleeps = (
        Faulty(
            resp(429, {}, {"Retry-After": "2"}),
            resp(502, text="bad gateway"),
            httpx.ConnectError("refused"),
            resp(200, user, {"X-RateLimit-Remaining": "1996"}),
        ),
        [],
    )
    async with make(handler, sleeps) as api:
        got = await api.user()
        assert got.id == 1 and api.rate_limit_remaining == 1996
    assert handler.sent["GET"] == 4 and sleeps[0] >= 2


async def test_long_retry_after_is_reported_not_waited(leakcheck):
    handler, sleeps = Faulty(resp(429, {}, {"Retry-After": "120"})), []
    async with make(handler, sleeps) as api:
        with leakcheck.raises(RateLimited) as info:
            await api.user()
    assert handler.sent["GET"] == 1 and not sleeps and "120" in info.value.message


async def test_no_retry_on_client_errors(leakcheck):
    handler = Faulty(resp(404, {"error": "gone"}))
    async with make(handler) as api:
        with leakcheck.raises(NotFound):
            await api.service_account(3)
    assert handler.sent["GET"] == 1


async def test_secrets_echoed_by_a_server_are_redacted(leakcheck):
    echo = resp(400, {"error": f"key {KEY} with secret {SECRET} is odd", "fields": {"x": [SECRET]}})
    async with make(Faulty(echo)) as api:
        with leakcheck.raises(InvalidInput) as info:
            await api.create_service_account("abc")
    assert KEY not in str(info.value) and SECRET not in info.value.fields["x"][0]


async def test_requests_carry_no_credentials_outside_the_auth_header(leakcheck):
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return resp(201, ACCOUNT)

    api = TestingBotClient(
        Credentials(KEY, SECRET), "https://api.example.test/v1", transport=httpx.MockTransport(handler)
    )
    async with api:
        made = await api.create_service_account("ci-runner")
    assert KEY not in str(seen[0].url) and json.loads(seen[0].content) == {"identifier": "ci-runner"}
    for text in (repr(api), repr(made), repr(Credentials(KEY, SECRET)), repr(seen[0])):
        assert KEY not in text and SECRET not in text and ACCOUNT["secret"] not in text


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.testingbot.com/v1", True),
        ("http://127.0.0.1:8717/v1", True),
        ("http://localhost/v1", True),
        ("http://[::1]:9/v1", True),
        ("http://api.testingbot.com/v1", False),
        ("ftp://x/v1", False),
        ("https://k:s@api.testingbot.com/v1", False),
        ("not a url", False),
    ],
)
def test_base_url_rules(url, ok, leakcheck):
    leakcheck.watch(KEY)
    if ok:
        assert check_base_url(url) == url
    else:
        with leakcheck.raises(ValueError) as info:
            check_base_url(url)
        assert "k:s" not in str(info.value)


def test_the_leak_check_catches_a_leak(leakcheck):
    import logging

    from helpers.leaks import LeakCheck

    probe = LeakCheck()
    probe.records.append(logging.LogRecord("x", logging.INFO, __file__, 1, "using %s", (SECRET,), None))
    probe.exceptions.append(ValueError(f"bad {KEY}"))
    assert [leak[0] for leak in probe.leaks({KEY, SECRET})] == [SECRET[:4] + "…", KEY[:4] + "…", KEY[:4] + "…"]
    logging.getLogger("tbdesk.test").info("a record without secrets")
    assert leakcheck.records and not leakcheck.leaks({KEY, SECRET})


def test_default_timeouts():
    api = TestingBotClient(Credentials(KEY, SECRET))
    timeout = api.timeout
    assert (timeout.connect, timeout.read) == (5.0, 15.0) and api.base_url == "https://api.testingbot.com/v1"
