"""The user's preferences, their QSettings keys and sane bounds. No Qt: `load` takes any `get(key, default)`.

A value out of bounds is clamped, junk falls back to the default, so a hand-edited settings file can never
make a secret stay on screen for hours or the window poll the API every second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .lifecycle import DEFAULT_POLICY_DAYS


@dataclass(frozen=True)
class Bound:
    key: str  # the QSettings key
    default: int
    low: int
    high: int

    def clamp(self, value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return self.default
        return min(max(number, self.low), self.high)


REVEAL = Bound("security/revealSeconds", 30, 5, 600)
CLIPBOARD = Bound("security/clipboardSeconds", 30, 5, 600)
POLL = Bound("refresh/pollSeconds", 15, 5, 600)
ROTATION = Bound("keys/rotationPolicyDays", DEFAULT_POLICY_DAYS, 7, 1095)  # 0 in the file: no policy
ROTATION_OFF = 0


@dataclass(frozen=True)
class Preferences:
    reveal_seconds: int = REVEAL.default
    clipboard_seconds: int = CLIPBOARD.default
    poll_seconds: float = POLL.default  # tests may run faster than the dialog allows
    rotation_days: int | None = ROTATION.default  # None: no rotation policy (no warnings)

    @classmethod
    def load(cls, get: Callable[[str, Any], Any]) -> Preferences:
        raw_policy = get(ROTATION.key, ROTATION.default)
        try:
            off = int(raw_policy) == ROTATION_OFF
        except (TypeError, ValueError, OverflowError):
            off = False
        return cls(
            reveal_seconds=REVEAL.clamp(get(REVEAL.key, REVEAL.default)),
            clipboard_seconds=CLIPBOARD.clamp(get(CLIPBOARD.key, CLIPBOARD.default)),
            poll_seconds=POLL.clamp(get(POLL.key, POLL.default)),
            rotation_days=None if off else ROTATION.clamp(raw_policy),
        )

    def items(self) -> dict[str, int]:
        """What to write back, key by key."""
        return {
            REVEAL.key: REVEAL.clamp(self.reveal_seconds),
            CLIPBOARD.key: CLIPBOARD.clamp(self.clipboard_seconds),
            POLL.key: POLL.clamp(self.poll_seconds),
            ROTATION.key: ROTATION_OFF if self.rotation_days is None else ROTATION.clamp(self.rotation_days),
        }
