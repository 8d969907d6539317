"""Preferences: reveal and clipboard timeouts, the rotation policy and the poll interval, each within the
bounds tbdesk.preferences sets (the spin boxes cannot go past them)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QSpinBox, QWidget

from ..core.preferences import CLIPBOARD, POLL, REVEAL, ROTATION, Bound, Preferences
from .forms import child, embed


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None, current: Preferences) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.content = embed("preferences.ui", self)
        c = self.content
        self.reveal = self._spin("revealSpin", REVEAL, "How long a revealed key or secret stays visible")
        self.clipboard = self._spin("clipboardSpin", CLIPBOARD, "How long a copied key or secret stays copied")
        self.rotation = self._spin("rotationSpin", ROTATION, "Keys older than this get a warning mark")
        self.poll = self._spin("pollSpin", POLL, "How often the tests list is checked for new tests")
        self.policy_box = child(c, QGroupBox, "rotationBox")
        self.policy_box.setToolTip("Untick to turn the rotation warnings off")
        self.buttons = child(c, QDialogButtonBox, "buttonBox")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(lambda: self.show_values(Preferences()))
        self.show_values(current)
        self.setMinimumWidth(420)

    def _spin(self, name: str, bound: Bound, tip: str) -> QSpinBox:
        spin = child(self.content, QSpinBox, name)
        spin.setRange(bound.low, bound.high)
        spin.setToolTip(f"{tip} ({bound.low} to {bound.high}; default {bound.default})")
        spin.setAccessibleDescription(spin.toolTip())
        return spin

    def show_values(self, prefs: Preferences) -> None:
        self.reveal.setValue(prefs.reveal_seconds)
        self.clipboard.setValue(prefs.clipboard_seconds)
        self.poll.setValue(round(prefs.poll_seconds))
        self.policy_box.setChecked(prefs.rotation_days is not None)
        self.rotation.setValue(prefs.rotation_days or ROTATION.default)

    def value(self) -> Preferences:
        return Preferences(
            reveal_seconds=self.reveal.value(),
            clipboard_seconds=self.clipboard.value(),
            poll_seconds=self.poll.value(),
            rotation_days=self.rotation.value() if self.policy_box.isChecked() else None,
        )
