"""Rows to the JSON shapes of TestingBot's API."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user(row: sqlite3.Row) -> dict[str, Any]:
    """A person, with the fields TestingBot documents for /v1/user and team users (billing left empty)."""
    return {
        "id": row["id"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "email": row["email"],
        "role": row["role"],  # ASSUMED: the documented `roles` list does not name its values
        "roles": [] if row["role"] == "member" else [row["role"]],
        "read_only": row["role"] == "viewer",
        "last_login": iso(row["last_login"]),
        "created_at": iso(row["created_at"]),
        "company": "",
        "street": "",
        "city": "",
        "country": "",
        "vat": None,
        "current_vm_concurrency": 0,
        "current_physical_concurrency": 0,
    }


def build(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "build_identifier": row["build_identifier"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


def service_account(row: sqlite3.Row, with_secret: bool = False) -> dict[str, Any]:
    out = {
        "id": row["id"],
        "identifier": row["identifier"],
        "key": row["key"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        # ASSUMED field (schema.F_KEYS_ISSUED_AT); rows from before the column existed: since created.
        "keys_issued_at": iso(row["keys_issued_at"] or row["created_at"]),
    }
    if with_secret:
        out["secret"] = row["secret"]
    return out


def test(row: sqlite3.Row) -> dict[str, Any]:
    if row["sb_type"] == "service_account":
        started_by = {
            "type": "service_account",
            "id": row["sb_id"],
            "name": row["sa_identifier"],
            "deleted": row["sa_deleted_at"] is not None,
        }
    else:
        started_by = {
            "type": "user",
            "id": row["sb_id"],
            "name": f"{row['u_first']} {row['u_last']}".strip(),
            "deleted": row["u_first"] is None,
        }
    out = {
        "id": row["id"],
        "session_id": row["session_id"],
        "name": row["name"],
        "state": row["state"],
        "success": bool(row["success"]),
        "status_id": row["status_id"],
        "status_message": row["status_message"],
        "browser": row["browser"],
        "browser_version": row["browser_version"],
        "os": row["os"],
        "duration": row["duration"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "completed_at": iso(row["completed_at"]),
        "build": row["build"],
        "groups": json.loads(row["groups"] or "[]"),
        "extra": row["extra"],
        "started_by": started_by,
    }
    if row["platform_name"]:
        out["platform_name"] = row["platform_name"]
        out["device_name"] = row["device_name"]
    return out
