"""A minimal W3C WebDriver endpoint: enough for a Remote WebDriver to open and quit a session.

Every other command answers a W3C error body ({"value": {"error", "message", "stacktrace"}}), which is what
Selenium needs to raise a WebDriverException rather than fail on a missing key.

Opening a session creates a RUNNING test started by whoever the Basic credentials belong to, which is
how a service account's label reaches the tests list.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .bodies import parse_body
from .routing import Endpoint, basic_pair, principal_of, store_of
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
    body = w3c_body(exc.status, exc.message, error or exc.w3c)
    return JSONResponse(body, status_code=exc.status, headers=headers)


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


def _pair(caps: dict[str, Any], tb: dict[str, Any]) -> tuple[str | None, str | None]:
    """Credentials carried in the capabilities, as TestingBot documents them: `tb:options` key/secret,
    or the legacy top-level key/secret and client_key/client_secret."""
    for where, key_name, secret_name in (
        (tb, "key", "secret"),
        (caps, "key", "secret"),
        (caps, "client_key", "client_secret"),
    ):
        key, secret = where.get(key_name), where.get(secret_name)
        if isinstance(key, str) and isinstance(secret, str) and key and secret:
            return key, secret
    return None, None


async def new_session(request: Request) -> Response:
    body = await parse_body(request)
    caps = _capabilities(body)
    options = caps.get("tb:options")
    tb: dict[str, Any] = options if isinstance(options, dict) else {}
    # The URL's credentials (HTTP Basic) win; without them, the capabilities' pair is used.
    pair = basic_pair(request)
    who = principal_of(request, "write", pair if pair[0] and pair[1] else _pair(caps, tb))
    row = store_of(request).start_test(
        who,
        name=_text(tb.get("name") or caps.get("name"), "WebDriver session"),
        browser=_text(caps.get("browserName"), "chrome"),
        version=_text(caps.get("browserVersion") or caps.get("version"), "latest"),
        os_name=_text(caps.get("platformName") or caps.get("platform"), "LINUX"),
        build=_text(tb.get("build") or caps.get("build"), "") or None,
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
    # The session id is the credential for a session's own commands: a client that sent its pair in the
    # capabilities sends none on later commands (as on TestingBot's hub).
    store = store_of(request)
    row = store.test_by_session(request.path_params["session_id"])
    # Quitting ends the test; its result stays unknown until someone reports one (PUT /v1/tests/:id).
    store.finish_test(row["id"])
    return JSONResponse({"value": None})


async def status(request: Request) -> Response:
    return JSONResponse({"value": {"ready": True, "message": "tbdesk sandbox hub"}})


async def unknown_command(request: Request) -> Response:
    """Every other WebDriver command: a W3C error body, so a client raises its own WebDriver error."""
    rest = request.path_params.get("rest", "")
    parts = rest.split("/")
    if len(parts) >= 2 and parts[0] == "session":
        store_of(request).test_by_session(parts[1])  # "invalid session id" for one that never existed
    raise StoreError(404, f"The tbdesk sandbox hub does not implement {request.method} /{rest}.", w3c="unknown command")


PREFIX = "/wd/hub"
ENDPOINTS = [
    Endpoint(
        "POST",
        PREFIX + "/session",
        new_session,
        "Open a WebDriver session (starts a test)",
        "write",
        (200, 400, 401, 403, 413, 415),
    ),
    Endpoint(
        "DELETE",
        PREFIX + "/session/{session_id}",
        delete_session,
        "Quit a WebDriver session (ends its test; the result stays unknown)",
        "public",
        (200, 404),
    ),
    Endpoint("GET", PREFIX + "/status", status, "Hub status", "public", (200,)),
    *[
        Endpoint(method, PREFIX + "/{rest:path}", unknown_command, "Any other command (W3C error)", "public", (404,))
        for method in ("GET", "POST", "PUT", "DELETE")
    ],
]
