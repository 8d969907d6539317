"""Service-account identifier rules, in one place: the sandbox's store and the Add/Rename dialog use them.

An identifier labels every test its account starts ("Started by"), so one pipeline must not be able to
pass for another. The rules:

- trimmed, then normalised to NFKC (fullwidth letters become ASCII, NFD and NFC spellings are one);
- 3 to 100 characters;
- no control, invisible (zero-width space/joiner, soft hyphen, BOM, variation selectors, fillers...),
  bidirectional-control, private-use or unassigned characters, and at least one visible character;
- unique ignoring case *and* look-alikes: two identifiers clash when their Unicode TR39 confusable
  skeletons match ("ci‐deploy" with U+2010, "сi-deploy" with Cyrillic с, "ci-dep1oy").

The skeleton is TR39's own algorithm (section 4) over Unicode's confusables.txt, kept unchanged in
resources/ (the Unicode data file, with its licence header). Why not a library: confusable-homoglyphs has
no skeleton and stores each confusables.txt line in both directions, so the source-to-prototype direction
a skeleton needs is lost; PyICU's SpoofChecker has one, but builds from source with ICU headers and its
binary wheels do not cover macOS; disarm's skeleton_key adds its own folds beyond TR39. The algorithm
is four lines; only the data matters, and that is Unicode's. To update it, replace the file with a newer
https://www.unicode.org/Public/security/latest/confusables.txt.

No Qt here: the sandbox imports this module too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

from .bidi import CONTROLS as BIDI_CONTROLS
from .paths import resource

MIN_LENGTH, MAX_LENGTH = 3, 100

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside category Cf, which is refused whole:
# characters that draw nothing. Plus U+2800 BRAILLE PATTERN BLANK, which draws an empty cell.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong/jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors and vowel separator
    (0x2800, 0x2800),  # braille pattern blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xE0100, 0xE01EF),  # variation selectors supplement
)
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


class InvalidIdentifier(ValueError):
    """An identifier breaks a rule; the message says which, for a person to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalise(value: object) -> str:
    """The identifier as it is stored: trimmed and NFKC-normalised. Raises InvalidIdentifier."""
    if not isinstance(value, str):
        raise InvalidIdentifier("Identifier must be a string.")
    for ch in value.strip():  # spaces, tabs and newlines at either end are trimmed, not refused
        reason = _forbidden(ch)
        if reason:
            raise InvalidIdentifier(f"Identifier must not contain {reason} ({describe(ch)}).")
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) < MIN_LENGTH:
        note = " (spaces at either end do not count)" if value != value.strip() else ""
        raise InvalidIdentifier(f"Identifier must be at least {MIN_LENGTH} characters{note}.")
    if len(text) > MAX_LENGTH:
        raise InvalidIdentifier(f"Identifier must be at most {MAX_LENGTH} characters.")
    if not any(unicodedata.category(ch)[0] in _VISIBLE_CATEGORIES for ch in text):
        raise InvalidIdentifier("Identifier must contain a visible letter, digit or symbol.")
    return text


def problem(value: object) -> str | None:
    """The broken rule's message, or None when `value` is a valid identifier (uniqueness aside)."""
    try:
        normalise(value)
    except InvalidIdentifier as exc:
        return exc.message
    return None


def describe(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: an invisible character named so that a person can find it."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


def _forbidden(ch: str) -> str | None:
    if ch in BIDI_CONTROLS:
        return "bidirectional control characters, which make text read differently from how it is stored"
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return "control characters"
    if category == "Cs":
        return "lone surrogates, which are not text"
    if category == "Cf" or any(low <= ord(ch) <= high for low, high in _INVISIBLE_RANGES):
        return "invisible characters"
    if category in ("Co", "Cn"):
        return "private-use or unassigned characters"
    return None


# -- look-alikes ----------------------------------------------------------------------------------


@cache
def _prototypes() -> dict[int, str | None]:
    """A str.translate table: default-ignorable code points -> None, confusables.txt sources -> prototype.

    Built once, on first use (about 20 ms)."""
    table: dict[int, str | None] = {}
    with resource("confusables.txt").open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2 or not fields[0].strip():
                continue
            table[int(fields[0], 16)] = "".join(chr(int(cp, 16)) for cp in fields[1].split())
    # Every format character (Cf) lies below U+20000 or in the tags block.
    for cp in (*range(0x20000), *range(0xE0000, 0xE1000)):
        if unicodedata.category(chr(cp)) == "Cf":
            table[cp] = None
    for low, high in _INVISIBLE_RANGES:
        table.update(dict.fromkeys(range(low, high + 1)))
    return table


def skeleton(text: str) -> str:
    """Unicode TR39 skeleton: NFD, drop default-ignorables, map each character to its prototype, NFD."""
    if text.isascii():  # the usual case, and 10,000 names must index in a blink: NFD changes no ASCII
        mapped = text.translate(_prototypes())
        return mapped if mapped.isascii() else unicodedata.normalize("NFD", mapped)
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(_prototypes()))


def keys(identifier: str) -> tuple[str, str]:
    """Two identifiers clash when either of their keys is equal.

    The first folds case before the skeleton ("СI-Runner" with Cyrillic С is "ci-runner"); the second
    after it, because case folding would hide TR39's capital-I-is-small-L ("CI-Runner" and "Cl-Runner").
    """
    return skeleton(identifier.casefold()), skeleton(identifier).casefold()


def clash_message(new: str, existing: str) -> str:
    if new.casefold() == existing.casefold():
        return f"A service account named “{existing}” already exists."
    # The two look alike by definition: name the characters that differ so that the user can see why.
    if len(new) == len(existing):  # side by side: "ci-Iog" has a capital I where "ci-log" has an l
        pairs = zip(new, existing, strict=True)
        differ = list(dict.fromkeys(describe(a) for a, b in pairs if a.casefold() != b.casefold()))
    else:
        differ = [describe(ch) for ch in dict.fromkeys(new) if ch not in existing.casefold() + existing.upper()]
    detail = f" (it has {', '.join(differ[:2])})" if differ else ""
    return f"“{new}” looks the same as the existing service account “{existing}”{detail}."


class Taken:
    """The identifiers in use, indexed by look-alike keys: which one, if any, a new name would pass for."""

    def __init__(self, identifiers: Iterable[str]) -> None:
        self._by_key: dict[str, str] = {}
        for name in identifiers:
            for key in keys(name):
                self._by_key.setdefault(key, name)

    def clash(self, identifier: str, own: str | None = None) -> str | None:
        """The existing identifier that `identifier` (already normalised) would pass for, other than `own`."""
        own_keys = set(keys(own)) if own is not None else set()
        for key in keys(identifier):
            found = self._by_key.get(key)
            if found is not None and key not in own_keys:
                return found
        return None
