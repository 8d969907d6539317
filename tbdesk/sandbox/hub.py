"""A minimal W3C WebDriver endpoint: enough for a Remote WebDriver to open and quit a session.

Opening a session creates a RUNNING test started by whoever the Basic credentials belong to, which is
how a service account's label reaches the tests list.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .bodies import parse_body
from .routing import Endpoint, principal_of, store_of
from .store import StoreError

W3C_ERRORS = {
    400: "invalid argument",
    401: "session not created",
    403: "session not created",
    404: "invalid session id",
    413: "invalid argument",
    415: "invalid argument",
    429: "session not created",
}


# W3C WebDriver error codes for the statuses only the router or the server produce.
W3C_ROUTER_ERRORS = {404: "unknown command", 405: "unknown method", 500: "unknown error", 503: "unknown error"}


def is_hub(path: str) -> bool:
    return path == "/wd/hub" or path.startswith("/wd/hub/")


def w3c_body(status: int, message: str, error: str | None = None) -> dict[str, Any]:
    """The W3C error shape a Selenium client parses: {"value": {"error", "message", "stacktrace"}}."""
    code = error or W3C_ERRORS.get(status, "unknown error")
    return {"value": {"error": code, "message": message, "stacktrace": ""}}


def w3c_error(exc: StoreError, error: str | None = None, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(w3c_body(exc.status, exc.message, error), status_code=exc.status, headers=headers)


def _capabilities(body: dict[str, Any]) -> dict[str, Any]:
    caps = body.get("capabilities")
    if isinstance(caps, dict):
        merged = dict(caps.get("alwaysMatch") or {}) if isinstance(caps.get("alwaysMatch"), dict) else {}
        first = caps.get("firstMatch")
        if isinstance(first, list) and first and isinstance(first[0], dict):
            merged.update(first[0])
        return merged
    legacy = body.get("desiredCapabilities")
    return legacy if isinstance(legacy, dict) else {}


def _text(value: object, default: str) -> str:
    return value[:200] if isinstance(value, str) and value else default


async def new_session(request: Request) -> Response:
    who = principal_of(request, "write")
    caps = _capabilities(await parse_body(request))
    tb = caps.get("tb:options") if isinstance(caps.get("tb:options"), dict) else {}
    row = store_of(request).start_test(
        who,
        name=_text(tb.get("name") or caps.get("name"), "WebDriver session"),
        browser=_text(caps.get("browserName"), "chrome"),
        version=_text(caps.get("browserVersion"), "latest"),
        os_name=_text(caps.get("platformName"), "LINUX"),
        build=_text(tb.get("build"), "") or None,
    )
    return JSONResponse(
        {
            "value": {
                "sessionId": row["session_id"],
                "capabilities": {
                    "browserName": row["browser"],
                    "browserVersion": row["browser_version"],
                    "platformName": row["os"],
                    "tb:testId": row["id"],
                },
            }
        }
    )


async def delete_session(request: Request) -> Response:
    principal_of(request, "write")
    store = store_of(request)
    row = store.test_by_session(request.path_params["session_id"])
    store.finish_test(row["id"], success=True)
    return JSONResponse({"value": None})


async def status(request: Request) -> Response:
    return JSONResponse({"value": {"ready": True, "message": "tbdesk sandbox hub"}})


ENDPOINTS = [
    Endpoint(
        "POST",
        "/wd/hub/session",
        new_session,
        "Open a WebDriver session (starts a test)",
        "write",
        (200, 400, 401, 403, 413, 415),
    ),
    Endpoint(
        "DELETE",
        "/wd/hub/session/{session_id}",
        delete_session,
        "Quit a WebDriver session (completes its test)",
        "write",
        (200, 401, 403, 404),
    ),
    Endpoint("GET", "/wd/hub/status", status, "Hub status", "public", (200,)),
]
