"""Smoke test through AT-SPI, the Linux accessibility bus Orca reads: tbdesk on a private X display (Xvfb)
and a private D-Bus session, read by tests/atspi_probe.py under the system python (python3-pyatspi is a
Debian package, not on PyPI). It finds the window, both tables, the named toolbar actions and a key
cell's description, moves the focus with real key presses and hears the reveal announced."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("atspi_probe.py")
NEEDS = "apt-get install xvfb xdotool dbus at-spi2-core python3-pyatspi (./dev does it with CI=true or TBDESK_APT=1)"


def _missing() -> list[str]:
    missing = [tool for tool in ("Xvfb", "xdotool", "dbus-run-session") if shutil.which(tool) is None]
    if not os.path.exists("/usr/share/dbus-1/services/org.a11y.Bus.service"):
        missing.append("at-spi2-core")
    probe = [SYSTEM_PYTHON, "-c", "import pyatspi"]
    if not os.path.exists(SYSTEM_PYTHON) or subprocess.run(probe, capture_output=True, timeout=30).returncode:
        missing.append("python3-pyatspi")
    return missing


@pytest.fixture
def display() -> Iterator[str]:
    """Xvfb on a display number it picks itself (-displayfd), so parallel runs never collide."""
    if sys.platform != "linux" or shutil.which("apt-get") is None:
        pytest.skip("AT-SPI, Xvfb and Debian's python3-pyatspi exist only on Debian-family Linux")
    missing = _missing()
    if missing:
        pytest.fail(f"missing for the AT-SPI smoke test: {', '.join(missing)}; {NEEDS}")
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 30)  # Xvfb writes its number once it accepts clients
        number = os.read(read, 16).decode().strip() if ready else ""
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        os.close(read)
        xvfb.terminate()
        xvfb.wait(10)


def test_screen_reader_view_through_atspi(display, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "AT_SPI", "QT_QPA"))}
    env["DISPLAY"] = display
    run = subprocess.run(
        ["dbus-run-session", "--", SYSTEM_PYTHON, str(PROBE), sys.executable, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]  # daemons print too
    assert lines, f"the probe printed no result (exit {run.returncode}):\n{run.stderr[-3000:]}"
    seen = json.loads(lines[-1])
    context = f"\nprobe: {json.dumps(seen, indent=1)}\nstderr: {run.stderr[-2000:]}"
    assert "error" not in seen, context
    assert seen["window"].startswith("tbdesk"), context
    assert seen["tables"]["Service accounts"] > 0 and seen["tables"]["Recent tests"] > 0, context
    assert seen["toolbar"] == sorted(["Add", "Rename", "Rotate access key", "Delete", "Refresh"]), context
    assert "Actions" in seen["account_headers"] and "" not in seen["account_headers"], context
    assert seen["key_cell"]["name"] == "Key hidden", context
    first = seen["key_cell"]["description"].split(".")[0].removeprefix("Key of ")  # the first account
    assert "Ctrl+B" in seen["key_cell"]["description"], context
    assert seen["actionable"] >= 10 and seen["focusable_unnamed"] == [], context
    # Real key presses moved the focus (Ctrl+F, Down), and revealing the key was said exactly once.
    assert seen["focused"][-2:] == ["Filter service accounts by identifier", "Service accounts"], context
    assert seen["announcements"].count(f"Key of “{first}” shown in its cell.") == 1, context
