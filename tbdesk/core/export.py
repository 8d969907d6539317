"""The shown tests as CSV: UTF-8, a header row, ISO 8601 times in UTC. Qt-free.

Only test fields are written, never `raw` (whatever else the server sent) and never a credential: the
text fields go through the redactor too, in case a pipeline put a hub URL with its key in a test name.
Cells that a spreadsheet would run as a formula are prefixed with an apostrophe (OWASP's advice for
CSV injection), since every value here comes from the server; bidi controls show as U+FFFD, as in the window
(tbdesk/bidi.py). Browser and platform read as in the tests table (core/platforms.py: "Microsoft Edge",
"macOS 15 Sequoia"), not as capability codes; a running test has no duration yet (an empty cell, not 0).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from ..api.models import Test
from ..bidi import neutralise
from ..redact import SECRETS
from .platforms import browser_name, test_platform

HEADER = (
    "id",
    "session_id",
    "name",
    "status",
    "browser",
    "browser_version",
    "platform",
    "started_by",
    "started_by_type",
    "started_by_deleted",
    "build",
    "created_at",
    "completed_at",
    "duration_seconds",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UMASK = os.umask(0o022)  # read once at import (on the main thread): umask can only be read by setting it
os.umask(_UMASK)


def iso(dt: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, to the second: 2026-11-29T06:55:18Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if dt else ""


def cell(text: str) -> str:
    text = neutralise(SECRETS.redact(text))
    return "'" + text if text.startswith(_FORMULA_START) else text


def row(t: Test) -> list[str]:
    sb = t.started_by
    return [
        str(t.id),
        cell(t.session_id),
        cell(t.name),
        t.status,
        cell(browser_name(t.browser)),
        cell(t.browser_version),
        cell(test_platform(t.os, t.platform_name, t.device_name)),
        cell(sb.name) if sb else "",
        ("service account" if sb.is_service_account else "person") if sb else "",
        ("yes" if sb.deleted else "no") if sb else "",
        cell(t.build),
        iso(t.created_at),
        iso(t.completed_at),
        "" if t.duration is None or t.state == "RUNNING" else str(t.duration),
    ]


def write_csv(path: str | os.PathLike[str], tests: Iterable[Test]) -> int:
    """Write atomically (a temporary file renamed into place: no half file if it fails); returns the rows."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".tbdesk-", suffix=".csv", dir=target.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            for t in tests:
                writer.writerow(row(t))
                count += 1
        os.chmod(tmp, 0o666 & ~_UMASK)  # as an ordinary new file would be (mkstemp makes it 0600)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
