"""The fault matrix's summary: each cell is its own test; conftest prints the table after the run."""

from __future__ import annotations

RESULTS: dict[tuple[str, str], tuple[str, float]] = {}  # (operation, fault) -> (outcome, longest stall)
_ORDER: dict[str, list[str]] = {"ops": [], "faults": []}


def record(op: str, fault: str, outcome: str, stall: float, ops: list[str] | None = None, faults=None) -> None:
    RESULTS[(op, fault)] = (outcome, stall)
    if ops:
        _ORDER["ops"] = ops
    if faults:
        _ORDER["faults"] = faults


def summary() -> list[str]:
    """The cells that ran, as a table of operation × fault, and the longest event-loop stall seen."""
    if not RESULTS:
        return []
    ops = [o for o in _ORDER["ops"] if any(k[0] == o for k in RESULTS)]
    faults = [f for f in _ORDER["faults"] if any(k[1] == f for k in RESULTS)]
    width = max(len(o) for o in ops)
    lines = [
        "Fault matrix: operation × fault (pass = clear message, nothing re-sent, tables match the server after"
        " refresh)",
        " " * width + " | " + " | ".join(f"{f:^11}" for f in faults),
    ]
    for o in ops:
        lines.append(f"{o:<{width}} | " + " | ".join(f"{RESULTS.get((o, f), ('-', 0.0))[0]:^11}" for f in faults))
    passed = sum(r == "pass" for r, _s in RESULTS.values())
    overall = max(s for _r, s in RESULTS.values()) * 1000
    in_slow = max((s for (_o, f), (_r, s) in RESULTS.items() if f == "slow 5 s"), default=0.0) * 1000
    lines.append(
        f"{len(RESULTS)} cells, {passed} passed; longest event-loop stall {overall:.0f} ms overall, "
        f"{in_slow:.0f} ms in the slow-server cells"
    )
    return lines
