"""Logging: a rotating file in the platform's log folder, every record passed through the redactor."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from .redact import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(verbose: bool = False, folder: Path | None = None) -> Path:
    folder = folder or Path(platformdirs.user_log_dir("tbdesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tbdesk.log"
    redact = RedactingFilter()
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(FORMAT))
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("tbdesk: %(levelname)s %(message)s"))
    root = logging.getLogger()
    for handler in (file_handler, console):
        handler.addFilter(redact)  # on handlers: logger filters would miss records from child loggers
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("httpx", "httpcore", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    return path
