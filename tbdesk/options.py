"""What the command line and the user's settings decide about one run of the window."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from .api.client import RetryPolicy


@dataclass
class Options:
    api_url: str | None = None
    profile: str | None = None
    sandbox: bool = False
    sandbox_args: list[str] = field(default_factory=list)
    poll_interval: float = 15.0  # seconds; 4 requests a minute when idle
    reveal_timeout: int = 30  # seconds a revealed value stays visible
    clipboard_timeout: int = 30  # seconds before a copied credential is cleared
    exit_when_loaded: bool = False  # smoke tests and the cold-start benchmark
    retry: RetryPolicy | None = None  # the client's GET retry policy (tests shorten it)

    @classmethod
    def timeouts_from(cls, settings: QSettings) -> dict[str, int]:
        """The user's settings for how long revealed and copied credentials live (seconds, 5 to 600)."""
        out = {}
        for name, key in (
            ("reveal_timeout", "security/revealSeconds"),
            ("clipboard_timeout", "security/clipboardSeconds"),
        ):
            try:
                value = int(settings.value(key, 30))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                value = 30
            out[name] = min(max(value, 5), 600)
        return out
