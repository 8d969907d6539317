"""How times, durations and masks read in the tables."""

from __future__ import annotations

from datetime import UTC, datetime

MASK = "•" * 12  # fixed width: never hints at a value's length


def local(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else ""


def day(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d") if dt else ""


def relative(dt: datetime | None, now: datetime | None = None) -> str:
    if dt is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - dt).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in ((86400 * 30, "mo"), (86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"  # pragma: no cover


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(max(seconds, 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
