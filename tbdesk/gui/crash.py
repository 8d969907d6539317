"""Uncaught exceptions: logged and shown in a dialog the user can copy from, with secrets redacted.

qasync hands exceptions from slots to sys.excepthook, and the app routes failed tasks there too.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ..redact import SECRETS
from .dialogs import ErrorReportDialog

log = logging.getLogger("tbdesk.crash")


def report_text(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    from .. import __version__

    text = "".join(traceback.format_exception(kind, exc, tb))
    return SECRETS.redact(f"tbdesk {__version__} on Python {sys.version.split()[0]}, {sys.platform}\n\n{text}")


def install(parent: Callable[[], QWidget | None]) -> Callable[..., None]:
    showing = False

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report = report_text(kind, exc, tb)
        log.error("unexpected error\n%s", report)
        if showing or QApplication.instance() is None:
            return  # one dialog at a time; the log has the rest
        showing = True
        dialog = ErrorReportDialog(parent(), SECRETS.redact(f"{kind.__name__}: {exc}"), report)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: _done())
        dialog.open()

    def _done() -> None:
        nonlocal showing
        showing = False

    sys.excepthook = hook
    return hook
