"""Reconciling a freshly loaded list of service accounts with the one on screen."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..api.models import ServiceAccount


@dataclass
class Reconciliation:
    """What to do to the shown list so it equals the fresh one, and what to tell the admin."""

    reset: bool = False  # mostly new: replace everything in one go (cheapest)
    removed: list[int] = field(default_factory=list)  # account ids
    changed: list[ServiceAccount] = field(default_factory=list)
    added: list[ServiceAccount] = field(default_factory=list)
    renamed: int = 0
    rotated: int = 0
    had_rows: bool = False

    def summary(self) -> str | None:
        """A sentence about changes made elsewhere, or None (nothing changed, or nothing was shown)."""
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.renamed, "renamed"),
                (self.rotated, "rotated"),
                (len(self.removed), "deleted"),
                (len(self.added), "added"),
            )
            if n
        ]
        if not parts or not self.had_rows:
            return None
        return "Changed elsewhere since the last refresh: " + ", ".join(parts) + "."


def reconcile(shown: Sequence[ServiceAccount], fresh: Sequence[ServiceAccount]) -> Reconciliation:
    """The usual refresh changes little, so only changed rows are touched (10,000 unchanged rows cost nothing);
    when more than half the list is added or deleted, a reset is cheaper."""
    for plan in reconcile_slices(shown, fresh, size=0):
        if plan is not None:
            return plan
    raise AssertionError("unreachable")  # pragma: no cover


SLICE_ACCOUNTS = 2000  # accounts compared per slice: a couple of milliseconds


def reconcile_slices(
    shown: Sequence[ServiceAccount], fresh: Sequence[ServiceAccount], size: int = SLICE_ACCOUNTS
) -> Iterator[Reconciliation | None]:
    """As reconcile, comparing `size` accounts at a time (0: all at once): None after each slice, so the
    caller can let the event loop run (10,000 accounts took 10-30 ms in one go), and the plan last."""
    old = {a.id: a for a in shown}
    new = {a.id: a for a in fresh}
    plan = Reconciliation(removed=[i for i in old if i not in new], had_rows=bool(old))
    counted = 0
    for i, a in new.items():
        before = old.get(i)
        if before is None:
            plan.added.append(a)
        elif before != a:
            plan.changed.append(a)
            plan.renamed += before.identifier != a.identifier
            plan.rotated += before.key != a.key
        counted += 1
        if counted == size:
            counted = 0
            yield None
    plan.reset = len(plan.removed) + len(plan.added) > len(new) // 2
    yield plan
