"""What every sandbox route shares: the route declaration, authentication and parameter parsing."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from . import policy
from .store import Principal, Store, StoreError

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    access: str  # "public", or a level of policy.ACCESS
    statuses: tuple[int, ...]


# -- helpers --------------------------------------------------------------------------------------


def store_of(request: Request) -> Store:
    return request.app.state.store


def basic_pair(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if header[:6].lower() != "basic ":
        return None, None
    try:
        key, _, secret = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None, None
    return key, secret


def principal_of(request: Request, access: str, pair: tuple[str | None, str | None] | None = None) -> Principal:
    """The caller, checked against `access` (policy.ACCESS). `pair` overrides HTTP Basic (the hub's
    capabilities may carry the key and secret instead)."""
    key, secret = pair if pair is not None else basic_pair(request)
    who = store_of(request).authenticate(key, secret) if key and secret else None
    if who is None:
        raise StoreError(401, "Authentication failed: send your key and secret with HTTP Basic auth.")
    if not policy.allowed(access, who.role):
        raise StoreError(403, policy.ACCESS[access].refusal)
    return who


def int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise StoreError(400, f"{name} must be a whole number.", {name: ["must be a whole number"]}) from None
    if value < low:
        raise StoreError(400, f"{name} must be at least {low}.", {name: [f"must be at least {low}"]})
    return min(value, high)


def page_size(request: Request, default: int) -> int:
    """`count` as documented (1 to 500); the Node client sends `limit`, which is read when `count` is absent."""
    name = "count" if "count" in request.query_params or "limit" not in request.query_params else "limit"
    return int_param(request, name, default, 1, 500)


def path_ref(request: Request, limit: int = 200) -> str:
    """A path parameter that may be a name or a session id, not only a number."""
    raw = request.path_params["id"]
    if not raw or len(raw) > limit or not raw.isprintable():
        raise StoreError(404, "Not found.")
    return raw


def path_id(request: Request) -> int:
    raw = request.path_params["id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise StoreError(404, "Not found.")
    return int(raw)


def page(rows: list[dict[str, Any]], offset: int, count: int, total: int) -> JSONResponse:
    return JSONResponse({"data": rows, "meta": {"offset": offset, "count": count, "total": total}})


class NormalisePath:
    """`/v1//tests` and `/v1/tests/` are `/v1/tests`, as the official clients send them.

    The Python client joins a base ending in `/v1/` with paths starting with `/`; the Node, Java and PHP
    clients add trailing slashes. TestingBot answers all of these as the plain path, so the sandbox
    collapses repeated slashes and drops a trailing one before routing (never a redirect).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            clean = normalise_path(path)
            if clean != path:
                scope = {**scope, "path": clean}
                raw = scope.get("raw_path")
                if isinstance(raw, bytes):
                    scope["raw_path"] = normalise_path(raw.decode("latin-1")).encode("latin-1")
        await self.app(scope, receive, send)


def normalise_path(path: str) -> str:
    while "//" in path:
        path = path.replace("//", "/")
    return path.rstrip("/") or "/"
