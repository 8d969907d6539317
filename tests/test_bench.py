"""CI runs the benchmark in --quick mode: it must work and print every figure with its goal (no timing
is asserted here; the goals are judged on full runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks" / "bench.py"


@pytest.mark.slow
def test_quick_benchmark_prints_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--json", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    print(result.stdout.split("\n[")[0])
    rows = json.loads(out.read_text())
    metrics = {r["metric"] for r in rows}
    for needed in (
        "tbdesk / floor",
        "tbdesk: first paint",
        "tbdesk: first rows of accounts and tests",
        "tbdesk: first rows of accounts and tests at +100 ms per request",
        "tbdesk: longest stall, first frame to signed in",
        "tbdesk: longest stall, first frame to signed in at +100 ms per request",
        "wake-ups a second (context switches, all threads)",
        "filter keystroke p95",
        "peak memory (RSS)",
        "bytes moved by an idle poll",
        "sequential round trips to the first screen",
        "longest stall: full refresh",
        "select an account: its Activity tab filled, p95",
        "longest stall: switching accounts in the tab",
    ):
        assert needed in metrics
    assert all(r["median"] >= 0 and r["low"] <= r["median"] <= r["high"] for r in rows)
    assert any(m.startswith("CPU used, window open and idle") for m in metrics)
    # issue #16: every timing also as a multiple of the floor measured in the same run
    assert all(r["floor_x"] is not None and r["floor_x"] > 0 for r in rows if r["unit"] == "ms")
    assert "tbdesk / floor" in result.stdout and "goal" in result.stdout
