"""What every sandbox route shares: the route declaration, authentication and parameter parsing."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .store import Principal, Store, StoreError

Handler = Callable[[Request], Awaitable[Response]]
ADMIN_ONLY = "Only team admins can manage service accounts."


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    access: str  # "public", "any" (signed in), "write" (not a viewer), "admin"
    statuses: tuple[int, ...]


# -- helpers --------------------------------------------------------------------------------------


def store_of(request: Request) -> Store:
    return request.app.state.store


def principal_of(request: Request, access: str) -> Principal:
    header = request.headers.get("authorization", "")
    key = secret = None
    if header[:6].lower() == "basic ":
        try:
            key, _, secret = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            key = None
    who = store_of(request).authenticate(key, secret) if key and secret else None
    if who is None:
        raise StoreError(401, "Authentication failed: send your key and secret with HTTP Basic auth.")
    if access == "admin" and not who.is_admin:
        raise StoreError(403, ADMIN_ONLY)
    if access == "write" and who.role == "viewer":
        raise StoreError(403, "Viewers have read-only access.")
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


def path_id(request: Request) -> int:
    raw = request.path_params["id"]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise StoreError(404, "Not found.")
    return int(raw)


def page(rows: list[dict[str, Any]], offset: int, count: int, total: int) -> JSONResponse:
    return JSONResponse({"data": rows, "meta": {"offset": offset, "count": count, "total": total}})
