"""Leaked-key triage: find the key in whatever was pasted (a bare key, `KEY:SECRET`, a hub URL, env lines,
capabilities JSON) and match it exactly against the keys already loaded. Nothing is sent anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z0-9]{16,128}")
_PAIR = re.compile(r"\b[A-Za-z0-9]{16,128}:[A-Za-z0-9]{16,128}\b")  # KEY:SECRET, also inside a hub URL
MAX_INPUT = 10_000  # a paste larger than this is not a credential; do not scan it


@dataclass(frozen=True)
class Triage:
    """What the pasted text holds. `key` is the matched key (or the first key-like token when none matched);
    `account_id` the service account it belongs to; `own` when it is the signed-in admin's own key."""

    key: str
    account_id: int | None = None
    own: bool = False
    extra: bool = False  # the text held more than the key (maybe the secret): clear it from the box

    @property
    def found(self) -> bool:
        return self.account_id is not None or self.own


_HEX_KEY = re.compile(r"[0-9a-fA-F]{32}")


def looks_like_key(token: str) -> bool:
    """A key, not an identifier such as "nightly-regression": 32 hex digits (TestingBot's keys, even one
    with no digit such as "deadbeef…"), or 20+ letters and digits with both kinds."""
    if _HEX_KEY.fullmatch(token):
        return True
    return len(token) >= 20 and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def may_hold_key(text: str) -> bool:
    """Cheap first look, per keystroke: only text with a 16+ character token can hold a key."""
    return len(text) <= MAX_INPUT and _TOKEN.search(text) is not None


def triage(text: str, keys: Mapping[str, int], own_key: str | None = None) -> Triage | None:
    """None when the text is not a credential (it is an identifier filter). Exact matches only."""
    if not may_hold_key(text):
        return None
    tokens = _TOKEN.findall(text)
    extra = text.strip() not in tokens[:1]
    for token in tokens:
        if token in keys:
            return Triage(token, keys[token], extra=extra)
        if own_key is not None and token == own_key:
            return Triage(token, own=True, extra=extra)
    candidates = [t for t in tokens if looks_like_key(t)]
    if candidates or _PAIR.search(text):
        first = candidates[0] if candidates else tokens[0]
        return Triage(first, extra=extra)
    return None
