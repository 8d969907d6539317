"""The asyncio client for TestingBot's REST API.

One long-lived httpx.AsyncClient per signed-in profile. Only idempotent GETs are retried; a write whose
answer never came is reported as "outcome unknown" and never re-sent, and the client offers read-backs
(find_service_account, service_account) so the caller can show the true state.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import random
import ssl
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlsplit

import httpx

from ..redact import SECRETS
from . import schema as s
from .errors import (
    TIMED_OUT,
    ApiError,
    AuthenticationError,
    InvalidInput,
    NetworkError,
    NotFound,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    ServerError,
)
from .loopback import is_loopback
from .models import Credentials, Page, ServiceAccount, Team, Test, User

log = logging.getLogger("tbdesk.api")
T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    base_delay: float = 0.3  # doubled per try, with jitter
    max_retry_after: float = 10.0  # a longer Retry-After is reported, not waited out
    budget: float = 20.0  # total seconds a GET may wait between tries (each try is bounded by the timeouts)


def check_base_url(url: str) -> str:
    """https always; plain http only for loopback (the sandbox). No credentials in the URL."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises on a port that is not a number from 0 to 65535
        httpx.URL(url.strip())
    except (ValueError, httpx.InvalidURL) as exc:
        raise ValueError(f"It is not a valid URL ({exc}).") from None
    if parts.username or parts.password:
        raise ValueError("The API URL must not contain a key or secret.")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("The API URL must start with https:// and name a host.")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError("Plain http:// is allowed only for this machine (the sandbox); use https://.")
    return url.strip().rstrip("/")


def tls_ready() -> bool:
    """Whether a client can be built at once: the TLS trust store for the current settings is loaded."""
    return "httpcore" in sys.modules and _tls_key() in _TLS_KEYS


def warm_up() -> None:
    """Do once, on a worker thread, what the first client would do on the event loop: load the TLS trust
    store (~20 ms; httpx does it per client), import httpcore (httpx loads it with the first client) and
    anyio with its asyncio backend (httpcore loads them with the first connection: ~25 ms; anyio 4 imports
    its parts on first use, so the package alone is not enough).

    The trust store loads on a thread of its own, beside the imports: OpenSSL reads it without holding
    Python's lock, so on a second core it costs the way to the first rows next to nothing."""
    import importlib

    import httpcore  # noqa: F401

    trust = threading.Thread(target=_tls_context_or_later, args=_tls_key(), name="tbdesk-tls", daemon=True)
    trust.start()
    try:
        for name in _FIRST_CONNECTION_IMPORTS:
            importlib.import_module(name)
    finally:
        trust.join()


def _tls_context_or_later(cert_file: str | None, cert_dir: str | None) -> None:
    """A context that cannot be built now (a broken SSL_CERT_FILE) fails later, where the client is made and
    the failure is shown: not as a stray traceback from this thread."""
    with contextlib.suppress(Exception):
        _tls_context(cert_file, cert_dir)


# What httpcore's first connection on asyncio imports (anyio 4.16; tests/test_startup.py checks the list).
_FIRST_CONNECTION_IMPORTS = (
    "anyio._backends._asyncio",
    "anyio.abc",
    "anyio.lowlevel",
    "anyio.streams.memory",
    "anyio.streams.stapled",
    "anyio.streams.tls",
    "anyio.to_thread",
)

_TLS_KEYS: set[tuple[str | None, str | None]] = set()


def _tls_key() -> tuple[str | None, str | None]:
    # httpx reads these (trust_env) when it builds a context: a changed setting gets a context of its own.
    return os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")


@functools.lru_cache(maxsize=4)
def _tls_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """httpx's own default context (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), built once and shared."""
    context = httpx.create_ssl_context(verify=True, trust_env=True)
    _TLS_KEYS.add((cert_file, cert_dir))
    return context


def _no_proxy_for(url: str) -> dict[str, httpx.AsyncBaseTransport | None] | None:
    """httpx mounts that send a loopback base URL's requests directly (None: the client's own transport)."""
    host = urlsplit(url).hostname or ""
    if not is_loopback(host):
        return None
    return {f"all://{f'[{host}]' if ':' in host else host}": None}


class TestingBotClient:
    __test__ = False  # not a pytest class

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = s.DEFAULT_API_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.base_url = check_base_url(base_url)
        SECRETS.register(credentials.key, credentials.secret)
        self._http = httpx.AsyncClient(
            # The environment's proxy and CA settings stay on (trust_env) for TestingBot itself: corporate
            # networks need them. A loopback server (the sandbox) is never reached through a proxy, which
            # would see plain-http requests with the Authorization header in clear.
            mounts=_no_proxy_for(self.base_url),
            base_url=self.base_url,
            auth=httpx.BasicAuth(credentials.key, credentials.secret),
            timeout=timeout or httpx.Timeout(15.0, connect=5.0),
            transport=transport,
            verify=_tls_context(*_tls_key()),  # verified as with verify=True, the trust store loaded once
            headers={"Accept": "application/json", "User-Agent": "tbdesk"},
            follow_redirects=False,
        )
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.rate_limit_remaining: int | None = None
        self.requests_sent = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def timeout(self) -> httpx.Timeout:
        return self._http.timeout

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    def add_response_hook(self, hook: Callable[[httpx.Response], Awaitable[None]]) -> None:
        """Call `hook` with every response (the benchmark counts bytes with it)."""
        self._http.event_hooks["response"].append(hook)

    async def __aenter__(self) -> TestingBotClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- account and team ------------------------------------------------------------------------

    async def user(self) -> User:
        """The signed-in account; also how a key and secret are verified."""
        return await self._get(s.USER, "Checking your key and secret", parse=User.parse)

    async def team(self) -> Team:
        return await self._get(s.TEAM, "Loading the team", parse=Team.parse)

    # -- service accounts ------------------------------------------------------------------------

    async def service_accounts_page(self, offset: int = 0, count: int = s.PAGE_MAX) -> Page[ServiceAccount]:
        try:
            return await self._get(
                s.SERVICE_ACCOUNTS,
                "Loading service accounts",
                {s.Q_OFFSET: offset, s.Q_COUNT: count},
                parse=_pages(ServiceAccount.parse),
            )
        except ApiError as exc:
            exc.expected = s.EXPECTED[s.SERVICE_ACCOUNTS]  # an assumed path: say what we looked for
            raise

    async def service_accounts(
        self,
        on_page: Callable[[Sequence[ServiceAccount]], None] | None = None,
        parallel: int = 4,
        first: Page[ServiceAccount] | None = None,
    ) -> list[ServiceAccount]:
        """Every service account. After the first page says the total, the rest load in parallel.

        `first` is a first page the caller already has (fetched alongside other first-screen requests).
        """
        if first is None:
            first = await self.service_accounts_page(0)
            if on_page:
                on_page(first.items)
        size = max(len(first.items), 1)
        offsets = range(len(first.items), first.total, size) if first.items else range(0)
        gate = asyncio.Semaphore(parallel)

        async def one(offset: int) -> Page[ServiceAccount]:
            async with gate:
                page = await self.service_accounts_page(offset, size)
            if on_page:
                on_page(page.items)
            return page

        pages = await asyncio.gather(*(one(o) for o in offsets))
        seen: dict[int, ServiceAccount] = {a.id: a for a in first.items}
        for page in pages:
            seen.update((a.id, a) for a in page.items)  # a row can move between pages while loading
        return list(seen.values())

    async def service_account(self, account_id: int) -> ServiceAccount:
        """One account with its secret."""
        account = await self._get(
            s.SERVICE_ACCOUNT.format(id=account_id), "Reading the service account", parse=ServiceAccount.parse
        )
        SECRETS.register(account.key, account.secret)
        return account

    async def find_service_account(self, identifier: str) -> ServiceAccount | None:
        """Read-back after an ambiguous create: the live account with this identifier, if any."""
        wanted = identifier.strip().casefold()
        for account in await self.service_accounts():
            if account.identifier.casefold() == wanted:
                return account
        return None

    async def create_service_account(self, identifier: str) -> ServiceAccount:
        account = await self._send(
            "POST",
            s.SERVICE_ACCOUNTS,
            "Creating the service account",
            ServiceAccount.parse,
            {s.F_IDENTIFIER: identifier},
        )
        SECRETS.register(account.key, account.secret)
        return account

    async def rename_service_account(self, account_id: int, identifier: str) -> ServiceAccount:
        return await self._send(
            "PUT",
            s.SERVICE_ACCOUNT.format(id=account_id),
            "Renaming the service account",
            ServiceAccount.parse,
            {s.F_IDENTIFIER: identifier},
        )

    async def rotate_service_account(self, account_id: int) -> ServiceAccount:
        account = await self._send(
            "POST", s.SERVICE_ACCOUNT_RESET.format(id=account_id), "Rotating the access key", ServiceAccount.parse
        )
        SECRETS.register(account.key, account.secret)
        return account

    async def delete_service_account(self, account_id: int) -> None:
        await self._send("DELETE", s.SERVICE_ACCOUNT.format(id=account_id), "Deleting the service account", _any)

    # -- tests -----------------------------------------------------------------------------------

    async def tests(
        self,
        offset: int = 0,
        count: int = 50,
        *,
        build: str | None = None,
        group: str | None = None,
        since: float | None = None,
    ) -> Page[Test]:
        params: dict[str, Any] = {s.Q_OFFSET: offset, s.Q_COUNT: min(count, s.PAGE_MAX)}
        for name, value in ((s.Q_BUILD, build), (s.Q_GROUP, group), (s.Q_SINCE, since)):
            if value is not None:
                params[name] = value
        return await self._get(s.TESTS, "Loading tests", params, parse=_pages(Test.parse))

    async def tests_since(self, since: float, limit: int = 5000) -> list[Test]:
        """Tests updated at or after `since` (UNIX time), for polling; newest first."""
        out: list[Test] = []
        while len(out) < limit:
            page = await self.tests(len(out), s.PAGE_MAX, since=int(since))
            out.extend(page.items)
            if not page.items or len(out) >= page.total:
                break
        return out

    async def test(self, session_id: str) -> Test:
        """One test, by its WebDriver session id (the form TestingBot documents)."""
        return await self._get(
            s.TEST.format(session_id=quote(session_id, safe="")), "Loading the test", parse=Test.parse
        )

    # -- transport -------------------------------------------------------------------------------

    async def _get(
        self, path: str, operation: str, params: dict[str, Any] | None = None, *, parse: Callable[[Any], T]
    ) -> T:
        """GET with bounded retries on 429, 502/503/504 and connection faults."""
        policy = self.retry
        waited = 0.0
        for attempt in range(1, policy.attempts + 1):
            try:
                return await self._request("GET", path, operation, parse, params=params)
            except (RateLimited, ServerError, NetworkError) as exc:
                if attempt == policy.attempts or not _retryable(exc):
                    raise
                delay = policy.base_delay * 2 ** (attempt - 1) * random.uniform(0.8, 1.2)
                if isinstance(exc, RateLimited):
                    if exc.retry_after > policy.max_retry_after:
                        raise
                    delay = max(delay, exc.retry_after)
                if waited + delay > policy.budget:
                    raise
                waited += delay
                log.info("%s: retrying in %.1fs after %s", operation, delay, type(exc).__name__)
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _send(
        self, method: str, path: str, operation: str, parse: Callable[[Any], T], body: dict[str, Any] | None = None
    ) -> T:
        """A write: sent exactly once, whatever happens."""
        return await self._request(method, path, operation, parse, json=body)

    async def _request(self, method: str, path: str, operation: str, parse: Callable[[Any], T], **kw: Any) -> T:
        started = time.monotonic()
        write = method != "GET"
        self.requests_sent += 1
        try:
            response = await self._http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise _network_error(exc, operation, write) from None
        remaining = response.headers.get(s.H_RATE_REMAINING)
        if remaining is not None and remaining.strip().isdigit():
            self.rate_limit_remaining = int(remaining)
        log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000)
        where = f"{method} {response.request.url.path}"
        if response.status_code >= 400:
            error = _status_error(response, operation, write)
            error.request = where
            raise error
        # A write the server accepted (2xx) but whose answer we cannot read did happen: say it is unknown.
        try:
            data = response.json()
        except ValueError:
            raise ProtocolError(
                "The server's answer is not JSON.", operation=operation, outcome_unknown=write, request=where
            ) from None
        try:
            if isinstance(parse, _Pages):
                return await parse.in_slices(data)  # type: ignore[return-value]
            return parse(data)
        except ProtocolError as exc:
            raise ProtocolError(exc.message, operation=operation, outcome_unknown=write, request=where) from None


PARSE_SLICE = 100  # list items read between two turns of the event loop (~3 ms for tests)


class _Pages(Generic[T]):
    """Reads a list answer into a Page of `item`s."""

    def __init__(self, item: Callable[[Any], T]) -> None:
        self.item = item

    def __call__(self, data: Any) -> Page[T]:
        return Page.parse(data, self.item)

    async def in_slices(self, data: Any) -> Page[T]:
        """As a call, but a long list (a page of 500 tests takes ~14 ms) a slice at a time, letting the
        event loop run between slices. Not on a worker thread: pure-Python work there holds the interpreter
        lock, and each Python call Qt makes while painting would wait for it."""
        rows = data.get(s.F_DATA) if isinstance(data, dict) else None
        meta = data.get(s.F_META) if isinstance(data, dict) else None
        if (
            not isinstance(rows, list)
            or len(rows) <= PARSE_SLICE
            or not isinstance(meta, dict)
            or meta.get(s.F_TOTAL) is None
        ):
            return self(data)
        items: list[T] = []
        page = self({**data, s.F_DATA: []})  # the meta checked once
        await asyncio.sleep(0)  # decoding the JSON was a step of its own (~3 ms for 500 tests)
        for start in range(0, len(rows), PARSE_SLICE):
            items.extend(self({**data, s.F_DATA: rows[start : start + PARSE_SLICE]}).items)
            await asyncio.sleep(0)
        return Page(tuple(items), page.offset, page.total)


def _pages(item: Callable[[Any], T]) -> _Pages[T]:
    return _Pages(item)


def _any(data: Any) -> Any:
    return data


def _retryable(exc: ApiError) -> bool:
    if isinstance(exc, NetworkError):
        # A server that took the request and then said nothing for the whole read timeout is not asked again:
        # four tries would keep an admin's "copy secret" waiting over a minute with nothing to show for it.
        return exc.kind in ("refused", "reset", "dns") or (exc.kind == "timeout" and not exc.sent)
    return exc.status in RETRY_STATUSES


def _server_message(response: httpx.Response) -> tuple[str, dict[str, list[str]]]:
    """The server's own words ("message", "error", or a plain string body), redacted and bounded."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    fields: dict[str, list[str]] = {}
    if isinstance(body, dict):
        text = body.get("message") or body.get("error") or ""
        raw_fields = body.get("fields")
        if isinstance(raw_fields, dict):
            for name, msgs in raw_fields.items():
                items = msgs if isinstance(msgs, list) else [msgs]
                fields[str(name)] = [SECRETS.redact(str(m))[:300] for m in items]
    else:
        text = body if isinstance(body, str) and "<" not in body[:1] else ""
    return SECRETS.redact(str(text).strip())[:300], fields


def _status_error(response: httpx.Response, operation: str, write: bool) -> ApiError:
    status = response.status_code
    said, fields = _server_message(response)
    if status == 400 or status == 422:
        return InvalidInput(said or "The server did not accept this input.", fields, operation=operation, status=status)
    if status == 401:
        return AuthenticationError(
            "The key and secret were not accepted. They may have been rotated.", operation=operation
        )
    if status == 403:
        return PermissionDenied(said or "You are not allowed to do this.", operation=operation)
    if status == 404:
        return NotFound(said or "It no longer exists; another admin may have deleted it.", operation=operation)
    if status == 429:
        retry_after = _retry_after(response.headers.get(s.H_RETRY_AFTER))
        return RateLimited(f"Too many requests; try again in {retry_after:.0f} s.", retry_after, operation=operation)
    if status >= 500:
        # A failed write may still have been applied before the server broke: the caller must read back.
        return ServerError(
            f"The server failed ({status}){': ' + said if said else '.'}",
            operation=operation,
            status=status,
            outcome_unknown=write and status != 503,
        )
    return ApiError(said or f"Unexpected answer ({status}).", operation=operation, status=status)


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, min(float(value or 1), 3600.0))
    except ValueError:
        return 1.0


def _network_error(exc: httpx.HTTPError, operation: str, write: bool) -> NetworkError:
    # Connect-phase failures mean nothing was sent; later ones leave a write's outcome unknown.
    sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        kind, message = "timeout", TIMED_OUT
    elif "ssl" in text or "certificate" in text or "tls" in text:
        kind, message = "tls", "The secure connection failed (TLS certificate or handshake)."
    elif "name or service" in text or "nodename" in text or "getaddrinfo" in text or "name resolution" in text:
        kind, message = "dns", "The server's name could not be resolved."
    elif isinstance(exc, httpx.ConnectError):
        kind, message = "refused", "Could not connect to the server."
    else:
        kind, message = "reset", "The connection was lost."
    unknown = write and sent
    if unknown:
        message += " The change may or may not have been made."
    return NetworkError(message, kind, sent=sent, operation=operation, outcome_unknown=unknown)
