"""Second line of defence: scrub keys and secrets out of any text bound for a log, a message or a report.

The first line is not putting them there; this catches what slips through. Known values are registered
as they are seen (the admin's pair, every service-account pair fetched), and patterns catch the shapes
a credential takes in URLs and headers.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "‹redacted›"
# Each pattern keeps group 1 (the context) and masks the rest of the match.
_PATTERNS = [
    re.compile(r"(://)[^/@\s:]+:[^/@\s]+(?=@)"),  # https://KEY:SECRET@host
    re.compile(r"(?i)(basic )[A-Za-z0-9+/=]{8,}"),  # Authorization: Basic ...
    re.compile(r"(?i)((?<![a-z])(?:key|secret)=)[^\s&\"',]+"),  # key=..., TESTINGBOT_SECRET=...
]
# "secret: VALUE" is also how a sentence reads ("Checking your key and secret: retrying in 1.4s"), so after a
# colon a short plain word stays; anything credential-shaped (a digit, a symbol, or 16+ characters) is masked.
_LABELLED = re.compile(r"(?i)((?<![a-z])(?:key|secret): ?)([^\s&\"',]+)")
_PLAIN_WORD = re.compile(r"[A-Za-z]{1,15}[.:;!?]?")


def _mask_labelled(match: re.Match[str]) -> str:
    value = match.group(2)
    return match.group(0) if _PLAIN_WORD.fullmatch(value) else match.group(1) + MASK


class Redactor:
    def __init__(self) -> None:
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self._regex: re.Pattern[str] | None = None

    @property
    def known(self) -> frozenset[str]:
        """Every value registered so far (the tests' leak check looks for each of them)."""
        return frozenset(self._known)

    def register(self, *values: str | None) -> None:
        with self._lock:
            for v in values:
                if v and len(v) >= 6:  # shorter strings would mask ordinary words
                    self._known.add(v)
            self._regex = None

    def redact(self, text: str) -> str:
        with self._lock:
            if self._regex is None and self._known:
                alternatives = sorted(self._known, key=len, reverse=True)
                self._regex = re.compile("|".join(re.escape(v) for v in alternatives))
            regex = self._regex
        if regex is not None:
            text = regex.sub(MASK, text)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return _LABELLED.sub(_mask_labelled, text)


SECRETS = Redactor()


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) through the redactor before any handler sees it."""

    def __init__(self, redactor: Redactor = SECRETS) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redactor.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
