"""Copies of keys and secrets: marked sensitive for clipboard managers, and cleared after a timeout.

As KeePassXC does it: each platform's "do not keep this" hint, and clearing only if the clipboard still
holds what we put there (the user may have copied something else since), and on quit.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard

SENSITIVE_FORMATS = {
    "x-kde-passwordManagerHint": b"secret",  # KDE Klipper and other Linux clipboard managers
    "ExcludeClipboardContentFromMonitorProcessing": b"1",  # Windows clipboard monitors
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",  # Windows clipboard history (DWORD 0)
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",  # Windows cloud clipboard (DWORD 0)
    "application/x-nspasteboard-concealed-type": b"secret",  # macOS org.nspasteboard.ConcealedType
}


class ClipboardGuard(QObject):
    countdown = Signal(str, int)  # what was copied, seconds left (0: cleared or replaced)
    copied = Signal(str, int)  # what was copied, seconds until it is cleared: once per copy
    cleared = Signal(str)  # what was cleared from the clipboard by us: once (not when the user replaced it)

    def __init__(self, clipboard: QClipboard, timeout_s: int = 30, parent: Any = None) -> None:
        super().__init__(parent)
        self.clipboard = clipboard
        self.timeout_s = timeout_s
        self._ours: str | None = None
        self._label = ""
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def copy(self, text: str, label: str) -> None:
        mime = QMimeData()
        mime.setText(text)
        for fmt, value in SENSITIVE_FORMATS.items():
            mime.setData(fmt, value)
        self.clipboard.setMimeData(mime)
        self._ours, self._label, self._left = text, label, self.timeout_s
        self._timer.start()
        self.countdown.emit(label, self._left)
        self.copied.emit(label, self.timeout_s)

    @property
    def label(self) -> str:
        """What the pending copy is ("Secret of “ci-runner”")."""
        return self._label

    @property
    def holding(self) -> bool:
        return self._ours is not None and self.clipboard.text() == self._ours

    def _tick(self) -> None:
        self._left -= 1
        if not self.holding:
            self._stop()  # replaced by the user: nothing of ours to clear
        elif self._left <= 0:
            self.clear()
        else:
            self.countdown.emit(self._label, self._left)

    def clear(self) -> None:
        """Clear the clipboard if it still holds our copy (also called on quit)."""
        if self.holding:
            self.clipboard.clear()
            label = self._label
            self._stop()
            self.cleared.emit(label)
            return
        self._stop()

    def _stop(self) -> None:
        self._timer.stop()
        self._ours = None
        self._left = 0
        self.countdown.emit(self._label, 0)
