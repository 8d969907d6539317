"""The one path every user-visible message takes: the window shows them, tests record them."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..redact import SECRETS

log = logging.getLogger("tbdesk.messages")


class MessageBridge(QObject):
    message = Signal(str, str)  # level ("info", "warning", "error"), text

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.history: list[tuple[str, str]] = []

    def info(self, text: str) -> None:
        self._emit("info", text)

    def warning(self, text: str) -> None:
        self._emit("warning", text)

    def error(self, text: str) -> None:
        self._emit("error", text)

    def _emit(self, level: str, text: str) -> None:
        text = SECRETS.redact(text)  # a server's message could echo a credential
        self.history.append((level, text))
        del self.history[:-200]
        log.log({"info": logging.INFO, "warning": logging.WARNING}.get(level, logging.ERROR), "%s", text)
        self.message.emit(level, text)
