"""--simulate: live activity, so that a polling client has something to show."""

from __future__ import annotations

import asyncio
import random

from .seed import BROWSERS, DESKTOP_OS, SUITES
from .store import Store


async def simulate(store: Store, interval: float = 3.0, rng: random.Random | None = None) -> None:
    rng = rng or random.Random()
    while True:
        await asyncio.sleep(interval)
        step(store, rng)


def step(store: Store, rng: random.Random) -> None:
    """Finish a running test, or start one as a random live credential."""
    running = store.running_tests()
    if running and (len(running) > 4 or rng.random() < 0.5):
        store.finish_test(rng.choice(running)["id"], success=rng.random() < 0.85)
        return
    who = rng.choice(store.live_principals())
    browser, versions = rng.choice(BROWSERS)
    store.start_test(
        who, f"{rng.choice(SUITES)} › live run", browser, rng.choice(versions), rng.choice(DESKTOP_OS), build="live"
    )
