"""Collecting logs and exceptions during a test, to prove none holds a secret."""

from __future__ import annotations

import contextlib
import logging

import pytest


class LeakCheck:
    """Collects every log record and the exceptions a test hands it; at teardown none may hold a secret."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.exceptions: list[BaseException] = []
        self.values: set[str] = set()

    def watch(self, *values: str | None) -> None:
        self.values.update(v for v in values if v)

    @contextlib.contextmanager
    def raises(self, kind: type[BaseException]):
        with pytest.raises(kind) as info:
            yield info
        self.exceptions.append(info.value)

    def leaks(self, secrets: set[str]) -> list[tuple[str, str]]:
        return [(s[:4] + "…", t[:120]) for t in self.texts() for s in secrets if s in t]

    def texts(self) -> list[str]:
        out = []
        for r in self.records:
            out.append(r.getMessage())
            if r.exc_info:
                out.append(logging.Formatter().formatException(r.exc_info))
        for e in self.exceptions:
            out += [str(e), repr(e), getattr(e, "message", "")]
        return out
