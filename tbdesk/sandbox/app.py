"""The sandbox's HTTP API: TestingBot's documented endpoints plus the assumed service-account ones.

Every route is declared once in ROUTES with its access level and status codes; the Starlette routing
table and /openapi.json are both built from that list, so the document cannot drift from the code.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import hub, serialize
from .bodies import as_bool, as_text, parse_body
from .faults import FaultMiddleware, Faults
from .openapi import document
from .routing import Endpoint, int_param, page, path_id, principal_of, store_of
from .store import Store, StoreError

log = logging.getLogger("tbdesk.sandbox")


# -- account, team and people ---------------------------------------------------------------------


async def get_user(request: Request) -> Response:
    who = principal_of(request, "any")
    store = store_of(request)
    # A service account acts on the owner's account; `role` (assumed field) says what the caller may do.
    row = store.user(who.id) if who.kind == "user" else store.owner()
    body = serialize.user(row)
    body.update(
        plan="Team Pro",
        seconds=-1,
        max_concurrent=10,
        max_concurrent_mobile=4,
        role=who.role,
        read_only=who.role == "viewer",
    )
    return JSONResponse(body)


async def get_user_keys(request: Request) -> Response:
    who = principal_of(request, "any")
    return JSONResponse({"key": who.key, "secret": who.secret})


async def get_team(request: Request) -> Response:
    principal_of(request, "any")
    running = len(store_of(request).running_tests())
    return JSONResponse(
        {
            "plan": "Team Pro",
            "concurrency": {"allowed": {"vms": 10, "physical": 4}, "current": {"vms": running, "physical": 0}},
        }
    )


async def list_users(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = int_param(request, "count", 10, 1, 500)
    rows, total = store_of(request).sub_accounts(offset, count)
    return page([serialize.user(r) for r in rows], offset, count, total)


async def get_sub_user(request: Request) -> Response:
    principal_of(request, "any")
    return JSONResponse(serialize.user(store_of(request).user(path_id(request))))


async def reset_user_keys(request: Request) -> Response:
    principal_of(request, "admin")
    row = store_of(request).reset_user_keys(path_id(request))
    return JSONResponse({**serialize.user(row), "key": row["key"], "secret": row["secret"]})


async def user_client_key(request: Request) -> Response:
    principal_of(request, "admin")
    return JSONResponse({"key": store_of(request).user(path_id(request))["key"]})


# -- service accounts -----------------------------------------------------------------------------


async def list_service_accounts(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = int_param(request, "count", 100, 1, 500)
    rows, total = store_of(request).service_accounts(offset, count)
    return page([serialize.service_account(r) for r in rows], offset, count, total)


async def get_service_account(request: Request) -> Response:
    principal_of(request, "admin")
    return JSONResponse(serialize.service_account(store_of(request).service_account(path_id(request)), True))


async def create_service_account(request: Request) -> Response:
    principal_of(request, "admin")
    body = await parse_body(request, "service_account")
    if "identifier" not in body:
        raise StoreError(400, "Identifier is required.", {"identifier": ["is required"]})
    row = store_of(request).create_service_account(body["identifier"])
    return JSONResponse(serialize.service_account(row, True), status_code=201)


async def rename_service_account(request: Request) -> Response:
    principal_of(request, "admin")
    account_id = path_id(request)
    body = await parse_body(request, "service_account")
    if "identifier" not in body:
        raise StoreError(400, "Identifier is required.", {"identifier": ["is required"]})
    return JSONResponse(
        serialize.service_account(store_of(request).rename_service_account(account_id, body["identifier"]))
    )


async def rotate_service_account(request: Request) -> Response:
    principal_of(request, "admin")
    row = store_of(request).rotate_service_account(path_id(request))
    return JSONResponse(serialize.service_account(row, True))


async def delete_service_account(request: Request) -> Response:
    principal_of(request, "admin")
    store_of(request).delete_service_account(path_id(request))
    return JSONResponse({"success": True})


# -- tests ----------------------------------------------------------------------------------------


async def list_tests(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = int_param(request, "count", 10, 1, 500)
    since_raw = request.query_params.get("since")
    since = None
    if since_raw:
        try:
            since = float(since_raw)
        except ValueError:
            raise StoreError(400, "since must be a UNIX time.", {"since": ["must be a UNIX time"]}) from None
        if since != since or abs(since) > 1e12:  # NaN or absurd
            raise StoreError(400, "since must be a UNIX time.", {"since": ["must be a UNIX time"]})
    rows, total = store_of(request).tests(
        offset, count, since, request.query_params.get("build"), request.query_params.get("group")
    )
    return page([serialize.test(r) for r in rows], offset, count, total)


async def get_test(request: Request) -> Response:
    principal_of(request, "any")
    return JSONResponse(serialize.test(store_of(request).test(path_id(request))))


async def update_test(request: Request) -> Response:
    principal_of(request, "write")
    test_id = path_id(request)
    body = await parse_body(request, "test")
    changes: dict[str, Any] = {}
    for name in ("name", "status_message", "build", "extra"):
        if name in body:
            changes[name] = as_text(body[name], name)
    if "success" in body:
        changes["success"] = int(as_bool(body["success"], "success"))
    return JSONResponse(serialize.test(store_of(request).update_test(test_id, changes)))


async def stop_test(request: Request) -> Response:
    principal_of(request, "write")
    store_of(request).finish_test(path_id(request))
    return JSONResponse({"success": True})


async def delete_test(request: Request) -> Response:
    principal_of(request, "write")
    store_of(request).delete_test(path_id(request))
    return JSONResponse({"success": True})


async def openapi(request: Request) -> Response:
    return JSONResponse(document(ROUTES))


SA = "/v1/team-management/service-accounts"
ROUTES: list[Endpoint] = [
    Endpoint("GET", "/v1/user", get_user, "The signed-in account", "any", (200, 401)),
    Endpoint("GET", "/v1/user/keys", get_user_keys, "The caller's own key and secret", "any", (200, 401)),
    Endpoint("GET", "/v1/team-management", get_team, "The team's plan and concurrency", "any", (200, 401)),
    Endpoint("GET", "/v1/team-management/users", list_users, "Sub-accounts (people)", "any", (200, 400, 401)),
    Endpoint("GET", "/v1/team-management/users/{id}", get_sub_user, "One sub-account", "any", (200, 401, 404)),
    Endpoint(
        "POST",
        "/v1/team-management/users/{id}/reset-keys",
        reset_user_keys,
        "New key and secret for a sub-account",
        "admin",
        (200, 401, 403, 404),
    ),
    Endpoint(
        "GET",
        "/v1/team-management/users/{id}/client-key",
        user_client_key,
        "A sub-account's key",
        "admin",
        (200, 401, 403, 404),
    ),
    Endpoint("GET", SA, list_service_accounts, "Service accounts (no secrets)", "any", (200, 400, 401)),
    Endpoint("POST", SA, create_service_account, "Create a service account", "admin", (201, 400, 401, 403, 413, 415)),
    Endpoint(
        "GET", SA + "/{id}", get_service_account, "One service account with its secret", "admin", (200, 401, 403, 404)
    ),
    Endpoint(
        "PUT",
        SA + "/{id}",
        rename_service_account,
        "Rename a service account",
        "admin",
        (200, 400, 401, 403, 404, 413, 415),
    ),
    Endpoint(
        "POST",
        SA + "/{id}/reset-keys",
        rotate_service_account,
        "New key and secret; the old pair stops",
        "admin",
        (200, 401, 403, 404),
    ),
    Endpoint(
        "DELETE",
        SA + "/{id}",
        delete_service_account,
        "Delete; its tests keep their label",
        "admin",
        (200, 401, 403, 404),
    ),
    Endpoint("GET", "/v1/tests", list_tests, "Tests, newest first", "any", (200, 400, 401)),
    Endpoint("GET", "/v1/tests/{id}", get_test, "One test", "any", (200, 401, 404)),
    Endpoint("PUT", "/v1/tests/{id}", update_test, "Update a test", "write", (200, 400, 401, 403, 404, 413, 415)),
    Endpoint("DELETE", "/v1/tests/{id}", delete_test, "Delete a test", "write", (200, 401, 403, 404)),
    Endpoint("PUT", "/v1/tests/{id}/stop", stop_test, "Stop a running test", "write", (200, 401, 403, 404)),
    *hub.ENDPOINTS,
    Endpoint("GET", "/openapi.json", openapi, "This document", "public", (200,)),
]


# -- errors ---------------------------------------------------------------------------------------


async def store_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreError)
    if hub.is_hub(request.url.path):
        return hub.w3c_error(exc)
    body: dict[str, Any] = {"error": exc.message}
    if exc.fields:
        body["fields"] = exc.fields
    headers = {"WWW-Authenticate": 'Basic realm="TestingBot"'} if exc.status == 401 else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "Not found.", 405: "Method not allowed."}
    message = messages.get(exc.status_code, exc.detail)
    if hub.is_hub(request.url.path):
        body = hub.w3c_body(exc.status_code, message, hub.W3C_ROUTER_ERRORS.get(exc.status_code))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    # Never a traceback to the client; the log keeps it for whoever runs the sandbox.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if hub.is_hub(request.url.path):
        return JSONResponse(hub.w3c_body(500, "Internal error."), status_code=500)
    return JSONResponse({"error": "Internal error."}, status_code=500)


def create_app(store: Store, faults: Faults | None = None, lifespan: Any = None) -> Any:
    app = Starlette(
        routes=[Route(e.path, e.handler, methods=[e.method]) for e in ROUTES],
        exception_handlers={StoreError: store_error, HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # an API answers 404 JSON, not an empty redirect
    app.state.store = store
    return FaultMiddleware(app, faults or Faults(), store)
