"""Preferences: reveal and clipboard timeouts, the rotation policy and the poll interval, each within the
bounds tbdesk.preferences sets. Each range is shown next to its field; a typed value out of range is moved to
the nearest bound (not back to the old value) and a note says so."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.preferences import CLIPBOARD, POLL, REVEAL, ROTATION, Bound, Preferences
from .forms import child, embed, relayout
from .window_hints import dialog_frame


class PreferencesDialog(QDialog):
    def __init__(self, parent: QWidget | None, current: Preferences) -> None:
        super().__init__(parent)
        dialog_frame(self)
        self.setWindowTitle("Preferences")
        self.content = embed("preferences.ui", self)
        c = self.content
        self.note = QLabel()  # what happened to a value typed out of range
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout = c.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.note)
        self._typed: dict[QSpinBox, str] = {}
        self._just_clamped = False
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
        # Out of range: the nearest bound, not silently the previous value.
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        unit = spin.suffix().strip()
        hint = QLabel(f"{bound.low} to {bound.high} {unit}")
        hint.setEnabled(False)  # greyed: a hint, not a value
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        parent = spin.parentWidget()
        form = parent.layout() if parent is not None else None
        assert form is not None, f"{name} is not in a layout"
        form.replaceWidget(spin, row)
        # Out of the form's field column a spin box is no longer named by its row's label: name it here.
        label = next(lb for lb in self.content.findChildren(QLabel) if lb.buddy() is spin)
        spin.setAccessibleName(label.text().replace("&", ""))
        box.addWidget(spin)
        box.addWidget(hint, 1)
        spin.lineEdit().textEdited.connect(lambda text, s=spin: self._typed.__setitem__(s, text))
        spin.editingFinished.connect(lambda s=spin, b=bound: self._check_range(s, b))
        return spin

    def _check_range(self, spin: QSpinBox, bound: Bound) -> None:
        typed = self._typed.pop(spin, "")
        digits = "".join(ch for ch in typed if ch.isdigit() or ch == "-")
        try:
            number = int(digits)
        except ValueError:
            return
        unit = spin.suffix().strip()
        if number < bound.low:
            self._say(f"{number} {unit} is below the shortest allowed: set to {bound.low} {unit}.")
        elif number > bound.high:
            self._say(f"{number} {unit} is above the longest allowed: set to {bound.high} {unit}.")

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(True)
        relayout(self.content, self)
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # the note is not cut off
        self._just_clamped = True  # for the Enter being handled now, if any: not for a later one
        QTimer.singleShot(0, lambda: setattr(self, "_just_clamped", False))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter right after a value was moved into range shows the note first; the next Enter saves.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        clamped, self._just_clamped = self._just_clamped, False
        if enter and clamped:
            return
        super().keyPressEvent(event)

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
