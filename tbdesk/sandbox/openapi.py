"""An OpenAPI 3.1 document built from the route table, so it always matches what is served."""

from __future__ import annotations

import re
from typing import Any

from .. import __version__
from ..api import schema as s

REASONS = {
    200: "OK",
    201: "Created",
    400: "Invalid input (see `fields`)",
    401: "Missing or wrong key and secret",
    403: "Not permitted for this caller",
    404: "Not found",
    405: "Method not allowed",
    413: "Body larger than 1 MiB",
    415: "Body is neither JSON nor form-encoded",
    429: "Rate limited (see Retry-After)",
    501: "Not served by the sandbox (a TestingBot feature it does not simulate)",
    503: "Unavailable (sandbox --error-rate)",
}
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array"}},
    },
}
PAGED = ("/v1/tests", "/v1/team-management/users", "/v1" + s.SERVICE_ACCOUNTS, "/v1/builds", "/v1/storage")


def document(routes: list[Any]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for r in routes:
        op: dict[str, Any] = {"summary": r.summary, "operationId": r.handler.__name__, "responses": {}}
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
            for n in re.findall(r"{(\w+)}", r.path)
        ]
        if r.method == "GET" and r.path in PAGED:
            params += [
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "count", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
            ]
        if r.path == "/v1/tests" and r.method == "GET":
            params += [
                {"name": "since", "in": "query", "schema": {"type": "number"}},
                {"name": "build", "in": "query", "schema": {"type": "string"}},
                {"name": "group", "in": "query", "schema": {"type": "string"}},
            ]
        if params:
            op["parameters"] = params
        if r.method in ("POST", "PUT") and r.path.endswith(("service-accounts", "service-accounts/{id}")):
            op["requestBody"] = _body({"identifier": {"type": "string", "minLength": 3, "maxLength": 100}})
        elif r.method == "PUT" and r.path == "/v1/tests/{id}":
            op["requestBody"] = _body(
                {k: {"type": "string"} for k in ("name", "status_message", "build", "extra")} | {"success": {}}
            )
        if r.access != "public":
            op["security"] = [{"basic": []}]
        for status in (*r.statuses, 429) if r.access != "public" else r.statuses:
            content = {"application/json": {"schema": ERROR if status >= 400 else {"type": "object"}}}
            op["responses"][str(status)] = {"description": REASONS[status], "content": content}
        paths.setdefault(r.path, {})[r.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "tbdesk sandbox: TestingBot-compatible API", "version": __version__},
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "paths": paths,
    }


def _body(props: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": props}
    return {
        "content": {"application/json": {"schema": schema}, "application/x-www-form-urlencoded": {"schema": schema}}
    }
