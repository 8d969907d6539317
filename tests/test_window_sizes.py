"""The default window on real screen sizes and scale factors (issue #12 point 7), each in its own process:
a screen's size and scale factor are fixed once Qt starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def probe(tmp_path: Path, width: int, height: int, scale: str = "1") -> dict:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": scale}
    env.pop("TESTINGBOT_KEY", None)
    env.pop("TESTINGBOT_SECRET", None)
    out = subprocess.run(
        [sys.executable, str(HERE / "window_size_probe.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_column_is_visible_at_the_default_size(tmp_path):
    seen = probe(tmp_path, 1920, 1080)
    assert seen["window"] == [1180, 760]
    assert seen["accounts_fit"] and seen["tests_fit"], seen
    # Also with a vertical scroll bar (QA5: a wider Last test column left no room for it: a horizontal bar).
    assert seen["accounts_fit_scrolling"], seen
    # A 12-dot mask and its two buttons, not ~280 px.
    assert seen["key_width"] < 200, seen
    # At 1600 px the test name takes the room; Duration keeps its size next to its header.
    wide = seen["wide"]
    assert wide["width"] == 1600 and wide["duration"] < 120 and wide["name"] > 400, wide


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(1920, 1080, "2"), (1600, 1000, "2"), (1366, 768, "1"), (1280, 800, "1.5")]
)
def test_the_default_window_fits_the_screen(tmp_path, width, height, scale):
    seen = probe(tmp_path, width, height, scale)
    room_w, room_h = seen["screen"]
    assert seen["window"][0] <= room_w and seen["window"][1] <= room_h, seen
    assert seen["minimum"][0] <= room_w, f"the window cannot be made small enough for the screen: {seen}"
    # The hand-over dialog too (QA6: at 2x on a 1000 px screen its Close button was below the edge).
    assert seen["handover"][1] <= room_h and seen["handover"][0] <= room_w, seen
