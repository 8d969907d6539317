"""What the command line and the user's settings decide about one run of the window."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from PySide6.QtCore import QSettings

from .api.client import RetryPolicy
from .core.lifecycle import DEFAULT_POLICY_DAYS
from .core.preferences import Preferences


class Timeouts(TypedDict):
    reveal_timeout: int
    clipboard_timeout: int


@dataclass
class Options:
    api_url: str | None = None
    profile: str | None = None
    sandbox: bool = False
    sandbox_args: list[str] = field(default_factory=list)
    poll_interval: float = 15.0  # seconds; 4 requests a minute when idle
    reveal_timeout: int = 30  # seconds a revealed value stays visible
    clipboard_timeout: int = 30  # seconds before a copied credential is cleared
    rotation_days: int | None = DEFAULT_POLICY_DAYS  # keys older than this are marked; None: no policy
    exit_when_loaded: bool = False  # smoke tests and the cold-start benchmark
    announce_start: bool = False  # print when first painted and loaded (the benchmark; implied by the above)
    retry: RetryPolicy | None = None  # the client's GET retry policy (tests shorten it)

    @classmethod
    def from_settings(cls, settings: QSettings) -> dict[str, Any]:
        """Every preference the user saved (Preferences dialog), each clamped to its bounds."""
        prefs = Preferences.load(settings.value)
        return {
            "reveal_timeout": prefs.reveal_seconds,
            "clipboard_timeout": prefs.clipboard_seconds,
            "poll_interval": prefs.poll_seconds,
            "rotation_days": prefs.rotation_days,
        }

    @classmethod
    def timeouts_from(cls, settings: QSettings) -> Timeouts:
        """The user's settings for how long revealed and copied credentials live (seconds, 5 to 600)."""
        return Timeouts(
            reveal_timeout=_seconds(settings, "security/revealSeconds"),
            clipboard_timeout=_seconds(settings, "security/clipboardSeconds"),
        )


def _seconds(settings: QSettings, key: str) -> int:
    try:
        value = int(str(settings.value(key, 30)))
    except (TypeError, ValueError):
        value = 30
    return min(max(value, 5), 600)
