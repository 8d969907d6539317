"""How the lists compare names: case and accents aside.

The accounts table sorts and filters identifiers this way, the tests table its texts and names, and the
Started-by list orders its names so: "Émile-deploy" sorts among the e's (not after "zulu") and typing "emile"
finds it (QA12, QA13). An identifier is folded once, when it arrives, so sorting and filtering 10,000 of them
compare plain strings; an ASCII text costs what casefold alone does.
"""

from __future__ import annotations

import unicodedata


def folded(name: str) -> str:
    """`name` casefolded, accents and compatibility forms aside (NFKD without combining marks)."""
    if name.isascii():  # nearly every identifier: as fast as casefold alone
        return name.casefold()
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
