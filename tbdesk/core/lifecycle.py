"""Credential lifecycle facts, without Qt: how old a key is, and whether an account is still used.

The window shows what these say; keeping them plain makes every boundary (the policy day, a history that
does not reach back far enough) testable with a fixed "now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from ..api.models import ServiceAccount

DEFAULT_POLICY_DAYS = 90  # AWS IAM's and most audits' default for access keys
UNUSED_DAYS = 30  # no test for this long marks an account unused (GCP's activity window is similar)


@dataclass(frozen=True)
class KeyAge:
    """When the current pair was issued. `exact` is False when the server does not say: then `since` is
    the account's last change, and the pair is at least that old (a rotation always changes the account)."""

    since: datetime | None
    exact: bool = True

    def days(self, now: datetime | None = None) -> int | None:
        if self.since is None:
            return None
        return max(0, ((now or datetime.now(UTC)) - self.since).days)

    def due(self, policy_days: int | None) -> datetime | None:
        """When the pair passes the policy (None: no policy, or age unknown)."""
        if policy_days is None or self.since is None:
            return None
        return self.since + timedelta(days=policy_days)

    def past_policy(self, policy_days: int | None, now: datetime | None = None) -> bool:
        due = self.due(policy_days)
        return due is not None and (now or datetime.now(UTC)) >= due

    def text(self, now: datetime | None = None) -> str:
        days = self.days(now)
        if days is None:
            return "unknown"
        shown = "today" if days == 0 else f"{days} day" if days == 1 else f"{days} days"
        return shown if self.exact else f"≥ {shown}"


def key_age(account: ServiceAccount) -> KeyAge:
    if account.keys_issued_at is not None:
        return KeyAge(account.keys_issued_at)
    if account.created_at is not None and account.updated_at in (None, account.created_at):
        return KeyAge(account.created_at)  # never changed since it was made: its first pair
    return KeyAge(account.updated_at or account.created_at, exact=False)


def key_age_tooltip(age: KeyAge, policy_days: int | None, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    if age.since is None:
        return "The server does not say when this key was issued."
    issued = _day(age.since)
    lines = [f"Issued {issued} ({age.text(now)} ago)" if age.exact else f"Issued on or before {issued}"]
    if not age.exact:
        lines.append("The server does not say when the key was issued; this is the account's last change.")
    due = age.due(policy_days)
    if due is not None:
        if now >= due:
            lines.append(f"Past the {policy_days}-day rotation policy since {_day(due)}: rotate it.")
        else:
            lines.append(f"Due for rotation on {_day(due)} ({policy_days}-day policy).")
    return "\n".join(lines)


class Use(Enum):
    USED = "used"
    UNUSED = "unused"
    NEW = "new"  # made within the window and no test yet: not yet in use, not a forgotten pipeline
    UNKNOWN = "unknown"  # the loaded history is too short to tell


@dataclass(frozen=True)
class History:
    """How far back the loaded tests reach. `complete`: every test the team has was loaded."""

    reaches_back_to: datetime | None = None
    complete: bool = False

    def covers(self, since: datetime) -> bool:
        return self.complete or (self.reaches_back_to is not None and self.reaches_back_to <= since)


def use_of(
    last_test: datetime | None,
    created_at: datetime | None,
    history: History,
    now: datetime | None = None,
    days: int = UNUSED_DAYS,
) -> Use:
    """Used when it started a test in the last `days`; unused only when the history proves there was none.
    An account younger than the window with no test at all is new, not unused."""
    window_start = (now or datetime.now(UTC)) - timedelta(days=days)
    if last_test is not None and last_test >= window_start:
        return Use.USED
    if created_at is not None and created_at > window_start:
        return Use.NEW if last_test is None and history.covers(created_at) else Use.UNKNOWN
    return Use.UNUSED if history.covers(window_start) else Use.UNKNOWN


def oldest(times: Iterable[datetime | None]) -> datetime | None:
    return min((t for t in times if t is not None), default=None)


def _day(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d")
