"""Python's cyclic garbage collector around start-up's bounded steps."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No collection during a bounded start-up step; what it made is then kept out of later collections.

    Start-up makes objects that live as long as the app (modules, classes, Qt wrappers, the TLS trust store)
    and next to no garbage. A full collection in the middle of it scanned them all for nothing: ~30 ms behind
    the first frame, on the way to the first rows (#16). Frozen afterwards, as the loaded accounts are.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
