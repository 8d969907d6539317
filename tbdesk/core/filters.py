"""Which tests the lower list shows: who started them, their result, their build, text in their name.

Qt-free, so the combination rules are unit-tested without a window; gui.models.TestsProxy applies it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..api.models import Test
from .activity import Who, who_of
from .names import folded

ALL = "all"  # anyone, any result, any build
PEOPLE = "people"  # every team member (not a service account)
NO_BUILD = "\x00none"  # tests without a build (no real build name holds a NUL)


@dataclass(frozen=True)
class TestQuery:
    """All parts must match (AND); each part's default lets everything through."""

    __test__ = False  # not a pytest class
    who: Who = ALL  # ALL, PEOPLE, a service account's id, or activity.person_key(...)
    result: str = ALL  # ALL or one of activity.RESULTS
    build: str = ALL  # ALL, NO_BUILD, or an exact build name
    text: str = ""  # folded substring of the name (or session id when unnamed): core/names.py

    @property
    def is_everything(self) -> bool:
        return self == TestQuery()

    def with_(self, **changes: object) -> TestQuery:
        if "text" in changes:
            changes["text"] = folded(str(changes["text"]).strip())
        return replace(self, **changes)  # type: ignore[arg-type]

    def matches(self, t: Test) -> bool:
        if self.result != ALL and t.status != self.result:
            return False
        if self.build != ALL and t.build != ("" if self.build == NO_BUILD else self.build):
            return False
        if self.text and self.text not in folded(t.name or t.session_id):
            return False
        if self.who == ALL:
            return True
        if self.who == PEOPLE:
            return t.started_by is not None and not t.started_by.is_service_account
        return who_of(t) == self.who
