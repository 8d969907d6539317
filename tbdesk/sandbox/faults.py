"""ASGI middleware for the sandbox's fault knobs and TestingBot's rate limit.

It sits outside the routes so that every answer, even a 404 for an unknown path, carries
X-RateLimit-Remaining, and so that latency and injected 503s apply to every request alike.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

WINDOW = 300.0  # TestingBot counts requests per key over 5 minutes


@dataclass
class Faults:
    latency_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit: int = 2000
    rng: random.Random = field(default_factory=random.Random)


class RateWindow:
    """Fixed five-minute windows per key: cheap, and what `Retry-After` can state exactly."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, who: str, now: float) -> tuple[int, float]:
        """Count one request; answer (remaining, seconds until the window resets)."""
        start, used = self._windows.get(who, (now, 0))
        if now - start >= WINDOW:
            start, used = now, 0
        used += 1
        self._windows[who] = (start, used)
        return self.limit - used, start + WINDOW - now


def caller_key(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:6].lower() == b"basic ":
            try:
                return base64.b64decode(value[6:], validate=True).decode("utf-8").split(":", 1)[0]
            except (ValueError, UnicodeDecodeError):
                break
    client = scope.get("client") or ("anonymous", 0)
    return f"ip:{client[0]}"


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults
        self.window = RateWindow(faults.rate_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        f = self.faults
        if f.latency_ms:
            await asyncio.sleep(f.latency_ms / 1000)
        remaining, reset = self.window.hit(caller_key(scope), time.monotonic())
        header = (b"x-ratelimit-remaining", str(max(remaining, 0)).encode())
        if remaining < 0:
            await _json(
                send,
                429,
                {"error": "Rate limit exceeded. Try again later."},
                [header, (b"retry-after", str(max(1, int(reset + 0.999))).encode())],
            )
            return
        if f.error_rate and scope["path"] != "/openapi.json" and f.rng.random() < f.error_rate:
            await _json(
                send,
                503,
                {"error": "Service temporarily unavailable (sandbox --error-rate)."},
                [header, (b"retry-after", b"1")],
            )
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_header)


async def _json(send: Send, status: int, body: dict, headers: list[tuple[bytes, bytes]]) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": data})
