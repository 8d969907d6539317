"""ASGI middleware for the sandbox's fault knobs and TestingBot's rate limit.

It sits outside the routes so that every answer, even a 404 for an unknown path, carries
X-RateLimit-Remaining, and so that latency and injected 503s apply to every request alike.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import random
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import hub
from .store import Store

WINDOW = 300.0  # TestingBot counts requests per key over 5 minutes
MAX_BUCKETS = 10_000  # callers remembered at once; the least recently seen is forgotten first


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit: int = 2000
    rng: random.Random = field(default_factory=random.Random)


class RateLimiter:
    """Fixed five-minute windows per caller, in bounded memory: cheap, and what `Retry-After` can state.

    Callers are an authenticated account (whatever key it uses now) or, for anything else, a client
    address. A flood of fresh keys or addresses can only push out the least recently seen entries."""

    def __init__(self, limit: int, max_buckets: int = MAX_BUCKETS) -> None:
        self.limit = limit
        self.max_buckets = max_buckets
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def hit(self, who: str, now: float) -> tuple[int, float]:
        """Count one request; answer (remaining, seconds until the window resets)."""
        start, used = self._windows.pop(who, (now, 0))
        if now - start >= WINDOW:
            start, used = now, 0
        used += 1
        self._windows[who] = (start, used)  # most recently seen last
        while len(self._windows) > self.max_buckets:
            self._windows.popitem(last=False)
        return self.limit - used, start + WINDOW - now


def basic_credentials(scope: Scope) -> tuple[str, str] | None:
    """The Basic pair from the Authorization header, or None for anything malformed (never raises)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:6].lower() == b"basic ":
            try:
                key, sep, secret = base64.b64decode(value[6:], validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            return (key, secret) if sep and key and secret else None
    return None


def address_of(scope: Scope) -> str:
    """The client address; IPv6 by its /64, the block one machine is usually given."""
    host = str((scope.get("client") or ("anonymous", 0))[0])
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return f"address:{host[:64]}"
    if ip.version == 6:
        return f"address:{ipaddress.ip_network((ip, 64), strict=False)}"
    return f"address:{ip}"


def caller_of(scope: Scope, store: Store | None) -> str:
    """Authenticated requests count against their account, all others against the client's address:
    wrong secrets for a key never lock out its owner, and fresh random keys do not make fresh counts."""
    pair = basic_credentials(scope)
    if pair is not None and store is not None:
        who = store.authenticate(*pair)
        if who is not None:
            return f"{who.kind}:{who.id}"
    return address_of(scope)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults, store: Store | None = None) -> None:
        self.app = app
        self.faults = faults
        self.store = store
        self.limiter = RateLimiter(faults.rate_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        f = self.faults
        if f.latency_ms:
            await asyncio.sleep(f.latency_ms / 1000)
        remaining, reset = self.limiter.hit(caller_of(scope, self.store), time.monotonic())
        header = (b"x-ratelimit-remaining", str(max(remaining, 0)).encode())
        if remaining < 0:
            await _json(
                send,
                scope,
                429,
                "Rate limit exceeded. Try again later.",
                [header, (b"retry-after", str(max(1, int(reset + 0.999))).encode())],
            )
            return
        if f.error_rate and scope["path"] != "/openapi.json" and f.rng.random() < f.error_rate:
            await _json(
                send,
                scope,
                503,
                "Service temporarily unavailable (sandbox --error-rate).",
                [header, (b"retry-after", b"1")],
            )
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_header)


async def _json(send: Send, scope: Scope, status: int, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = hub.w3c_body(status, message) if hub.is_hub(scope["path"]) else {"error": message}
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": data})
