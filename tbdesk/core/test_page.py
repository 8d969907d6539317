"""What the test details show, as TestingBot's own test page reads: human labels, local times, m:ss
durations, browser and platform through the one mapping (core/platforms.py). No Qt here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ..api import schema as s
from ..api.models import Test
from .platforms import browser_name, test_platform

# Labels for the fields a test answer carries; any other field gets its name made readable.
LABELS = {
    "id": "Test id",
    "session_id": "Session id",
    "name": "Name",
    "state": "State",
    "success": "Passed",
    "status_id": "Status code",
    "status_message": "Status message",
    "browser": "Browser",
    "browser_version": "Browser version",
    "os": "Operating system",
    "platform_name": "Platform",
    "device_name": "Device",
    "duration": "Duration",
    "created_at": "Started",
    "updated_at": "Updated",
    "completed_at": "Finished",
    "build": "Build",
    "groups": "Groups",
    "extra": "Extra",
    "video": "Video",
    "thumbs": "Screenshots",
    "logs": "Logs",
    "started_by.type": "Started by: kind",
    "started_by.id": "Started by: id",
    "started_by.name": "Started by: name",
    "started_by.deleted": "Started by: deleted",
}
TIME_FIELDS = {"created_at", "updated_at", "completed_at"}
MAX_VALUE = 2000  # a server value longer than this is cut (bounded sizes: the server is not trusted)


def local_time(dt: datetime | None) -> str:
    """In the viewer's time zone, to the second, with the zone's name (as the tests table, to the minute)."""
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip() if dt else ""


def duration(seconds: int | None) -> str:
    """273 -> "4:33"; an hour or more as h:mm:ss."""
    if seconds is None:
        return ""
    minutes, secs = divmod(max(int(seconds), 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_text(test: Test) -> str:
    word = {"passed": "Passed", "failed": "Failed", "running": "Running", "unknown": "No result"}[test.status]
    return f"{word}: {test.status_message}" if test.status_message and test.status != "running" else word


def started_by_text(test: Test) -> str:
    sb = test.started_by
    if sb is None:
        return "Unknown"
    kind = "service account" if sb.is_service_account else "team member"
    return f"{sb.label} ({kind})"


def summary(test: Test) -> list[tuple[str, str]]:
    """The rows at the top of the details, in TestingBot's order; empty ones are left out."""
    rows = [
        ("Status", status_text(test)),
        ("Started by", started_by_text(test)),
        ("Build", test.build),
        ("Browser", browser_name(test.browser, test.browser_version)),
        ("Platform", test_platform(test.os, test.platform_name, test.device_name)),
        ("Started", local_time(test.created_at)),
        ("Finished", local_time(test.completed_at) if test.state != "RUNNING" else "still running"),
        ("Duration", duration(test.duration) if test.state != "RUNNING" else ""),
        ("Groups", ", ".join(test.groups)),
        ("Session id", test.session_id),
    ]
    return [(label, value[:MAX_VALUE]) for label, value in rows if value]


def all_fields(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """Every field the server sent, labelled for people: yes/no, local times, m:ss."""
    return [(label_of(name), value[:MAX_VALUE]) for name, value in _flatten(raw)]


def label_of(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    text = name.replace(".", ": ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def dashboard_url(test: Test) -> str:
    """The dashboard's page of this test (ASSUMED address, see schema.DASHBOARD_TEST_URL)."""
    return s.DASHBOARD_TEST_URL.format(session_id=test.session_id)


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += _flatten(value, name + ".")
        else:
            out.append((name, _value(name, value)))
    return out


def _value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "duration" and isinstance(value, int | float):
        return duration(int(value))
    if name in TIME_FIELDS and isinstance(value, str):
        try:
            return local_time(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if name == "browser" and isinstance(value, str):
        return browser_name(value)
    if name in ("os", "platform_name") and isinstance(value, str):
        return test_platform(value)
    if isinstance(value, list):
        return ", ".join(v if isinstance(v, str) else json.dumps(v) for v in value)
    return str(value)
