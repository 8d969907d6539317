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

from ..api import schema as s
from . import catalog, hub, policy, serialize
from .bodies import as_bool, as_text, parse_body
from .faults import FaultMiddleware, Faults
from .openapi import document
from .routing import Endpoint, NormalisePath, int_param, page, page_size, path_id, path_ref, principal_of, store_of
from .store import Store, StoreError, new_key

log = logging.getLogger("tbdesk.sandbox")


# -- account, team and people ---------------------------------------------------------------------

PLAN = {"plan": "Team Pro", "seconds": -1, "max_concurrent": 10, "max_concurrent_mobile": 4}


def _person(row: Any) -> dict[str, Any]:
    # A sub-account reports the owner's plan and caps (documented for /v1/user and team users).
    return {**serialize.user(row), **PLAN}


async def get_user(request: Request) -> Response:
    who = principal_of(request, "any")
    store = store_of(request)
    # A service account acts on the owner's account; `role` (assumed field) says what the caller may do.
    row = store.user(who.id) if who.kind == "user" else store.owner()
    body = {**_person(row), "role": who.role, "read_only": who.role == policy.VIEWER}
    if who.kind == policy.SERVICE_ACCOUNT:  # ASSUMED: which service account the pair belongs to
        body["service_account"] = {"id": who.id, "identifier": store.service_account(who.id)["identifier"]}
    return JSONResponse(body)


async def update_user(request: Request) -> Response:
    who = principal_of(request, "self")
    changes = _person_fields(await parse_body(request, "user"))
    return JSONResponse({"success": True, "user": _person(store_of(request).update_user(who.id, changes))})


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
    principal_of(request, "admin")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 10)
    rows, total = store_of(request).sub_accounts(offset, count)
    return page([_person(r) for r in rows], offset, count, total)


async def get_sub_user(request: Request) -> Response:
    principal_of(request, "admin")
    return JSONResponse(_person(store_of(request).user(path_id(request))))


def _person_fields(body: dict[str, Any]) -> dict[str, str]:
    return {k: as_text(body[k], k, 200) for k in ("first_name", "last_name", "email") if k in body}


async def create_sub_user(request: Request) -> Response:
    principal_of(request, "admin")
    fields = _person_fields(await parse_body(request, "user"))
    if not fields.get("email"):
        raise StoreError(400, "Email is required.", {"email": ["is required"]})
    store = store_of(request)
    new_id = store.add_user(
        fields.get("first_name", ""), fields.get("last_name", ""), fields["email"], policy.MEMBER, new_key(), new_key()
    )
    return JSONResponse(_person(store.user(new_id)), status_code=201)


def _managed_person(request: Request) -> Any:
    """The person at {id}, if the caller may manage them (policy.may_manage_person)."""
    who = principal_of(request, "admin")
    row = store_of(request).user(path_id(request))
    if not policy.may_manage_person(who.role, who.id, row["role"], row["id"]):
        raise StoreError(403, "Only the account owner can manage the owner's credentials.")
    return row


async def update_sub_user(request: Request) -> Response:
    row = _managed_person(request)
    changes = _person_fields(await parse_body(request, "user"))
    return JSONResponse(_person(store_of(request).update_user(row["id"], changes)))


async def reset_user_keys(request: Request) -> Response:
    row = store_of(request).reset_user_keys(_managed_person(request)["id"])
    # `success` and `client_key` are what the Java client reads; `client_secret` (assumed) carries the
    # new secret, which the person needs as much as the key.
    return JSONResponse({"success": True, "client_key": row["key"], "client_secret": row["secret"]})


async def user_client_key(request: Request) -> Response:
    return JSONResponse({"client_key": _managed_person(request)["key"]})


# -- service accounts -----------------------------------------------------------------------------


async def list_service_accounts(request: Request) -> Response:
    principal_of(request, "service_accounts")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 100)
    rows, total = store_of(request).service_accounts(offset, count)
    return page([serialize.service_account(r) for r in rows], offset, count, total)


async def get_service_account(request: Request) -> Response:
    principal_of(request, "service_accounts")
    return JSONResponse(serialize.service_account(store_of(request).service_account(path_id(request)), True))


async def create_service_account(request: Request) -> Response:
    principal_of(request, "service_accounts")
    body = await parse_body(request, "service_account")
    if "identifier" not in body:
        raise StoreError(400, "Identifier is required.", {"identifier": ["is required"]})
    row = store_of(request).create_service_account(body["identifier"])
    return JSONResponse(serialize.service_account(row, True), status_code=201)


async def rename_service_account(request: Request) -> Response:
    principal_of(request, "service_accounts")
    account_id = path_id(request)
    body = await parse_body(request, "service_account")
    if "identifier" not in body:
        raise StoreError(400, "Identifier is required.", {"identifier": ["is required"]})
    return JSONResponse(
        serialize.service_account(store_of(request).rename_service_account(account_id, body["identifier"]))
    )


async def rotate_service_account(request: Request) -> Response:
    principal_of(request, "service_accounts")
    row = store_of(request).rotate_service_account(path_id(request))
    return JSONResponse(serialize.service_account(row, True))


async def delete_service_account(request: Request) -> Response:
    principal_of(request, "service_accounts")
    store_of(request).delete_service_account(path_id(request))
    return JSONResponse({"success": True})


# -- tests ----------------------------------------------------------------------------------------


async def list_tests(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 10)
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


def _test_id(request: Request) -> int:
    """Tests are addressed by their WebDriver session id (documented); the numeric id works too."""
    return store_of(request).resolve_test(path_ref(request))


def _test_changes(body: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("name", "status_message", "build", "extra"):
        if name in body:
            changes[name] = as_text(body[name], name)
    if "success" in body:
        changes["success"] = int(as_bool(body["success"], "success"))
    if "groups" in body:
        groups = body["groups"]
        groups = [groups] if isinstance(groups, str) else groups
        if not isinstance(groups, list) or len(groups) > 50:
            raise StoreError(400, "groups must be a list of names.", {"groups": ["must be a list of names"]})
        changes["groups"] = [as_text(g, "groups", 200) for g in groups]
    return changes


async def get_test(request: Request) -> Response:
    principal_of(request, "any")
    store = store_of(request)
    return JSONResponse(serialize.test(store.test(_test_id(request))))


async def create_test(request: Request) -> Response:
    who = principal_of(request, "write")
    changes = _test_changes(await parse_body(request, "test"))
    return JSONResponse(serialize.test(store_of(request).record_test(who, changes)), status_code=201)


async def update_test(request: Request) -> Response:
    principal_of(request, "write")
    store = store_of(request)
    test_id = _test_id(request)
    # Form fields arrive as test[name] or bare (the Python client sends `build`, Node `groups[]`).
    store.update_test(test_id, _test_changes(await parse_body(request, "test")))
    # Documented answer: {"success": true}. The official clients read `success` as "the update worked".
    return JSONResponse({"success": True})


async def stop_test(request: Request) -> Response:
    principal_of(request, "write")
    store = store_of(request)
    store.finish_test(_test_id(request))
    return JSONResponse({"success": True})


async def delete_test(request: Request) -> Response:
    principal_of(request, "write")
    store = store_of(request)
    store.delete_test(_test_id(request))
    return JSONResponse({"success": True})


# -- builds ---------------------------------------------------------------------------------------


async def list_builds(request: Request) -> Response:
    principal_of(request, "any")
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 10)
    rows, total = store_of(request).builds(offset, count)
    return page([serialize.build(r) for r in rows], offset, count, total)


async def build_tests(request: Request) -> Response:
    principal_of(request, "any")
    store = store_of(request)
    build = store.build(path_id(request))
    offset = int_param(request, "offset", 0, 0, 2**62)
    count = page_size(request, 100)
    rows, total = store.tests(offset, count, build=build["build_identifier"])
    return page([serialize.test(r) for r in rows], offset, count, total)


async def delete_build(request: Request) -> Response:
    principal_of(request, "write")
    store_of(request).delete_build(path_id(request))
    return JSONResponse({"success": True})


async def openapi(request: Request) -> Response:
    return JSONResponse(document(ROUTES))


SA = "/v1" + s.SERVICE_ACCOUNTS  # the path is named once, in tbdesk/api/schema.py
USERS = "/v1/team-management/users"
E = Endpoint
ROUTES: list[Endpoint] = [
    # -- documented: account and team
    E("GET", "/v1/user", get_user, "The signed-in account", "any", (200, 401)),
    E("PUT", "/v1/user", update_user, "Edit your own name or email", "self", (200, 400, 401, 403, 413, 415)),
    E("GET", "/v1/user/keys", get_user_keys, "The caller's own key and secret", "any", (200, 401)),
    E("GET", "/v1/team-management", get_team, "The team's plan and concurrency", "any", (200, 401)),
    E("GET", USERS, list_users, "Sub-accounts (people)", "admin", (200, 400, 401, 403)),
    E("POST", USERS, create_sub_user, "Add a person to the team", "admin", (201, 400, 401, 403, 413, 415)),
    E("GET", USERS + "/{id}", get_sub_user, "One sub-account", "admin", (200, 401, 403, 404)),
    E("PUT", USERS + "/{id}", update_sub_user, "Edit a person", "admin", (200, 400, 401, 403, 404, 413, 415)),
    E(
        "POST",
        USERS + "/{id}/reset-keys",
        reset_user_keys,
        "New key and secret for a person",
        "admin",
        (200, 401, 403, 404),
    ),
    E("GET", USERS + "/{id}/client-key", user_client_key, "A person's key", "admin", (200, 401, 403, 404)),
    # -- assumed: service accounts (team admins only, the list included)
    E("GET", SA, list_service_accounts, "Service accounts (no secrets)", "service_accounts", (200, 400, 401, 403)),
    E("POST", SA, create_service_account, "Create", "service_accounts", (201, 400, 401, 403, 413, 415)),
    E("GET", SA + "/{id}", get_service_account, "One, with its secret", "service_accounts", (200, 401, 403, 404)),
    E("PUT", SA + "/{id}", rename_service_account, "Rename", "service_accounts", (200, 400, 401, 403, 404, 413, 415)),
    E("POST", SA + "/{id}/reset-keys", rotate_service_account, "Rotate", "service_accounts", (200, 401, 403, 404)),
    E("DELETE", SA + "/{id}", delete_service_account, "Delete", "service_accounts", (200, 401, 403, 404)),
    # -- documented: tests (by WebDriver session id) and builds
    E("GET", "/v1/tests", list_tests, "Tests, newest first", "any", (200, 400, 401)),
    E("POST", "/v1/tests", create_test, "Record a finished test", "write", (201, 400, 401, 403, 413, 415)),
    E("GET", "/v1/tests/{id}", get_test, "One test", "any", (200, 401, 404)),
    E("PUT", "/v1/tests/{id}", update_test, "Update a test", "write", (200, 400, 401, 403, 404, 413, 415)),
    E("DELETE", "/v1/tests/{id}", delete_test, "Delete a test", "write", (200, 401, 403, 404)),
    E("PUT", "/v1/tests/{id}/stop", stop_test, "Stop a running test", "write", (200, 401, 403, 404)),
    E("GET", "/v1/builds", list_builds, "Builds, newest first", "any", (200, 400, 401)),
    E("GET", "/v1/builds/{id}", build_tests, "The tests of one build", "any", (200, 400, 401, 404)),
    E("DELETE", "/v1/builds/{id}", delete_build, "Delete a build and its tests", "write", (200, 401, 403, 404)),
    *catalog.ENDPOINTS,
    *hub.ENDPOINTS,
    E("GET", "/openapi.json", openapi, "This document", "public", (200,)),
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
    return FaultMiddleware(NormalisePath(app), faults or Faults(), store)
