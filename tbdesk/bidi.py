"""Bidirectional control characters: invisible, and they reorder what follows them wherever text is shown.

U+202E RIGHT-TO-LEFT OVERRIDE made a test named "report\u202eevil" read "reportlive". Wherever server text
is shown -- the window (gui/plain.py) or a spreadsheet opening the CSV export (core/export.py) -- each one is
replaced by a visible U+FFFD; identifiers refuse them outright (identifiers.py, used by the sandbox too:
hence a module of its own, outside core/).
"""

from __future__ import annotations

import re

# Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), LRM/RLM and the Arabic letter mark.
CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SHOWN_INSTEAD = "\ufffd"  # the replacement character: visible, and no direction of its own
_ANY = re.compile("[" + "".join(sorted(CONTROLS)) + "]")


def neutralise(text: str) -> str:
    """`text` with each bidi control replaced by U+FFFD, so it reads as it is stored."""
    return _ANY.sub(SHOWN_INSTEAD, text) if text else text


def has_controls(text: str) -> bool:
    return _ANY.search(text) is not None
