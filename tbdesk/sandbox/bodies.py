"""Request bodies: JSON or form-encoded (Rails-style `test[name]=x`, `groups[]=a`), size-capped."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .store import StoreError, encodable

MAX_BODY = 1024 * 1024
MAX_DEPTH = 32  # TestingBot's bodies nest 3 levels (capabilities.alwaysMatch.tb:options)


async def read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_big = int(declared) > MAX_BODY
        except ValueError:
            raise StoreError(400, "Content-Length is not a number.") from None
        if too_big:
            raise StoreError(413, "Request body is larger than 1 MiB.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:  # chunked uploads have no Content-Length to check up front
            raise StoreError(413, "Request body is larger than 1 MiB.")
        chunks.append(chunk)
    return b"".join(chunks)


async def parse_body(request: Request, scope: str | None = None) -> dict[str, Any]:
    """The body's fields, unwrapped from `scope` (`{"test": {...}}` or `test[name]=...`) when given."""
    raw = await read_body(request)
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise StoreError(400, "Body is not valid JSON.") from None
        except RecursionError:  # json's C scanner gives up on ~100,000 nested `[`
            raise StoreError(400, f"Body is nested too deeply (more than {MAX_DEPTH} levels).") from None
        if not isinstance(data, dict):
            raise StoreError(400, "Body must be a JSON object.")
        check_text(data)
        inner = data.get(scope) if scope else None
        return inner if isinstance(inner, dict) else data
    if ctype == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            raise StoreError(400, "Form body is not valid UTF-8 url-encoding.") from None
        return _unflatten(pairs, scope)
    raise StoreError(415, "Send application/json or application/x-www-form-urlencoded.")


def check_text(data: Any) -> None:
    """Refuse lone surrogates (`"\\ud800"` is valid JSON but not Unicode text: SQLite cannot store it) and
    nesting deeper than MAX_DEPTH, a fixed limit rather than wherever the interpreter's stack runs out.

    Walks with a stack, not recursion: the value may be nested as deep as json.loads allowed.
    """
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth >= MAX_DEPTH:
            raise StoreError(400, f"Body is nested too deeply (more than {MAX_DEPTH} levels).")
        if isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item)
        elif isinstance(item, str) and not encodable(item):
            raise StoreError(400, "Body contains a lone surrogate (\\ud800-\\udfff), which is not valid Unicode text.")


def _unflatten(pairs: list[tuple[str, str]], scope: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if scope and key.startswith(scope + "[") and key.endswith("]"):
            key = key[len(scope) + 1 : -1].replace("][", "[")
            if key.endswith("["):  # test[groups][]=a
                key = key[:-1] + "[]"
        if key.endswith("[]"):
            out.setdefault(key[:-2], []).append(value)
        else:
            out[key] = value
    return out


def as_bool(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("1", "0", "true", "false"):
        return value.lower() in ("1", "true")
    raise StoreError(400, f"{field} must be true or false.", {field: ["must be true or false"]})


def as_text(value: object, field: str, limit: int = 10_000) -> str:
    if not isinstance(value, str):
        raise StoreError(400, f"{field} must be a string.", {field: ["must be a string"]})
    if len(value) > limit:
        raise StoreError(400, f"{field} is too long.", {field: [f"at most {limit} characters"]})
    if "\x00" in value:
        raise StoreError(400, f"{field} contains a NUL character.", {field: ["must not contain NUL"]})
    return value
