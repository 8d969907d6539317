"""Leaked-key triage: find the key in whatever was pasted (a bare key, `KEY:SECRET`, a hub URL, env lines,
capabilities JSON) and match it against the keys already loaded, and against the secrets already in memory (a
leaked secret is a leak too). Nothing is sent anywhere. Every credential in the paste is matched, not only the
first (a .env file holds the keys of several accounts). Letter case is ignored: an upper-cased copy of a key
is a leak of that key all the same.

What counts as a key is its shape: 32 letters and digits. TestingBot's docs and clients show keys and secrets
of 32 characters (their placeholders are 32 X's); that they are hexadecimal, as the sandbox issues them, is
not documented, so a key with other letters is still a key. Any other text is an ordinary filter (a JWT's
parts are not 32 characters long), except hex digits a few short of or past 32 -- most likely a key or secret
cut while copying -- which get a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[A-Za-z0-9]{16,128}")
_RUN = re.compile(r"[A-Za-z0-9]{16,}")  # whole runs: 160 hex digits hold no 32-digit key at their end
KEY_LENGTH = 32  # hex digits, keys and secrets alike
_KEY_SHAPE = re.compile(r"[A-Za-z0-9]{32}")
_HEX = re.compile(r"[0-9a-fA-F]+")
NEAR = range(KEY_LENGTH - 4, KEY_LENGTH + 5)  # a key or secret a few digits short or long: cut or mistyped
MAX_INPUT = 10_000  # a paste larger than this is not a credential; do not scan it


@dataclass(frozen=True)
class Match:
    """One credential of the paste that belongs to a service account: `token` as pasted (never in a repr);
    `secret` when it is the account's secret, not its key; `case_differs` when it was pasted in other case."""

    token: str = field(repr=False)
    account_id: int
    secret: bool = False
    case_differs: bool = False


@dataclass(frozen=True)
class Triage:
    """What the pasted text holds. `key` is the matched key or secret (or the first key-shaped token when none
    matched); `account_id` the service account it belongs to; `own` when it is the signed-in admin's own key;
    `secret` when it matched that account's secret, not its key. `near_miss`: no key-shaped token, but a run of
    hex digits that many digits long (a key cut while copying); the text is then filtered as ordinary text.
    `was_account_id`: it no longer belongs to that account (rotated or deleted since it matched here).
    `matches`: every account the paste holds a credential of, in paste order, once each (the first is `key`,
    `account_id`); more than one when several credentials were pasted."""

    key: str = field(repr=False)  # may be a secret: never in a repr, a log or a message
    account_id: int | None = None
    own: bool = False
    extra: bool = False  # the text held more than the key (maybe the secret): clear it from the box
    secret: bool = False
    near_miss: int | None = None
    was_account_id: int | None = None
    matches: tuple[Match, ...] = ()
    gone: tuple[int, ...] = ()  # accounts whose credentials in the paste matched here before and no longer do
    case_differs: bool = False  # the matched key or secret was pasted in another letter case

    @property
    def found(self) -> bool:
        return self.account_id is not None or self.own


def looks_like_key(token: str) -> bool:
    """The shape of a TestingBot key or secret: 32 letters and digits (even all letters, "deadbeef…"). An
    identifier such as "nightly-regression" or a JWT's parts are not."""
    return _KEY_SHAPE.fullmatch(token) is not None


def key_tokens(text: str) -> list[str]:
    """The key-shaped tokens of a paste, in order."""
    return [t for t in _RUN.findall(text) if looks_like_key(t)] if len(text) <= MAX_INPUT else []


def may_hold_key(text: str) -> bool:
    """Cheap first look, per keystroke: only text with a 16+ character token can hold a key."""
    return len(text) <= MAX_INPUT and _TOKEN.search(text) is not None


def triage(
    text: str,
    keys: Mapping[str, int],
    own_key: str | None = None,
    secrets: Mapping[str, int] | None = None,
) -> Triage | None:
    """None when the text is not a credential (it is an identifier filter). Whole tokens only, in any letter
    case: `keys` and `secrets` map each known key or secret to its account."""
    if not may_hold_key(text):
        return None
    tokens = [t for t in _RUN.findall(text) if len(t) <= 128]
    extra = text.strip() not in tokens[:1]
    # Folded once per paste (keys() is built per call too): a key's letter case does not make it another key.
    folded_keys = {k.lower(): (k, i) for k, i in keys.items()}
    folded_secrets = {s.lower(): (s, i) for s, i in (secrets or {}).items()}
    own = own_key.lower() if own_key else None
    matches: list[Match] = []
    owned = None
    for token in tokens:
        low = token.lower()
        if low in folded_keys:
            exact, account_id = folded_keys[low]
            matches.append(Match(token, account_id, case_differs=token != exact))
        elif low in folded_secrets:
            exact, account_id = folded_secrets[low]
            matches.append(Match(token, account_id, secret=True, case_differs=token != exact))
        elif own is not None and low == own and owned is None:
            owned = token
    by_account: dict[int, Match] = {}
    for match in matches:
        by_account.setdefault(match.account_id, match)  # each account once, where it first appears
    unique = tuple(by_account.values())
    if unique:
        first = unique[0]
        return Triage(
            first.token,
            first.account_id,
            extra=extra,
            secret=first.secret,
            matches=unique,
            case_differs=first.case_differs,
        )
    if owned is not None:
        return Triage(owned, own=True, extra=extra)
    shaped = [t for t in tokens if looks_like_key(t)]
    if shaped:
        return Triage(shaped[0], extra=extra)
    near = [t for t in tokens if len(t) in NEAR and _HEX.fullmatch(t) and not t.isdigit()]
    if near:
        return Triage(near[0], near_miss=len(near[0]))
    return None
