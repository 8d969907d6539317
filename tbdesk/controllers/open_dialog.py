"""The one dialog in use (sign-in or an account action), for tests and for cleaning up after it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


class OpenDialog:
    def __init__(self) -> None:
        self.current: QDialog | None = None

    def track(self, dialog: QDialog) -> None:
        """Remember `dialog`; the previous one, closed by now, is deleted (no pile-up per window)."""
        old = self.current
        if old is not None and old is not dialog and not old.isVisible():
            old.deleteLater()
        self.current = dialog
