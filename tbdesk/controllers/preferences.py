"""The Preferences dialog and applying its values at once: reveal and clipboard timeouts, rotation policy,
poll interval. Saved with QSettings under the keys in tbdesk/core/preferences.py (never anything secret).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from ..core.preferences import Preferences
from ..gui.preferences_dialog import PreferencesDialog
from ..options import Options
from .shared import Shared


class PreferencesControl(QObject):
    applied = Signal()  # the policy may have changed what is marked and filtered

    def __init__(
        self,
        options: Options,
        settings: QSettings,
        shared: Shared,
        reveal_timer: QTimer,
        poll_timer: QTimer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.window, self.messages = shared.window, shared.messages
        self.accounts, self.clipboard = shared.accounts, shared.clipboard
        accounts = self.accounts
        self.reveal_timer = reveal_timer
        self.poll_timer = poll_timer
        # What this run started with (the command line's options, from the saved settings in __main__).
        self.current = Preferences(
            options.reveal_timeout, options.clipboard_timeout, options.poll_interval, options.rotation_days
        )
        accounts.set_policy(options.rotation_days)
        self.dialog: PreferencesDialog | None = None

    def open(self) -> None:
        dialog = PreferencesDialog(self.window, self.current)
        dialog.accepted.connect(lambda: self.save(dialog.value()))
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _closed(self, dialog: PreferencesDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def save(self, prefs: Preferences) -> None:
        for key, value in prefs.items().items():
            self.settings.setValue(key, value)
        self.settings.sync()
        self.apply(prefs)
        self.messages.info("Preferences saved.")

    def apply(self, prefs: Preferences) -> None:
        """Take effect at once: the next reveal, the next copy, the next poll, the key-age marks."""
        self.current = prefs
        self.reveal_timer.setInterval(int(prefs.reveal_seconds * 1000))
        self.clipboard.timeout_s = prefs.clipboard_seconds
        self.poll_timer.setInterval(int(prefs.poll_seconds * 1000))
        self.accounts.set_policy(prefs.rotation_days)
        self.applied.emit()
