"""Installable like a desktop application: wheel, frozen build, desktop metadata, icons."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tbdesk.desktop import APP_ID, PNG_SIZES, install, png_path, render_png
from tbdesk.paths import resource

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing; ./dev test installs it in CI")
        pytest.skip(f"{name} is not installed")
    return found


def test_desktop_file_and_metainfo_validate():
    subprocess.run([tool("desktop-file-validate"), str(resource(f"{APP_ID}.desktop"))], check=True)
    result = subprocess.run(
        [tool("appstreamcli"), "validate", "--no-net", str(resource(f"{APP_ID}.metainfo.xml"))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_icon_pngs_are_rendered_from_the_current_svg(qapp):
    """The PNGs are committed for packagers; they must match the SVG (packaging/make_icons.py redraws them)."""
    for size in PNG_SIZES:
        stored = QImage(str(png_path(size))).convertToFormat(QImage.Format.Format_ARGB32)
        fresh = render_png(size).convertToFormat(QImage.Format.Format_ARGB32)
        assert stored.size() == fresh.size(), size
        diff = sum(abs(a - b) for a, b in zip(bytes(stored.constBits()), bytes(fresh.constBits()), strict=True))
        assert diff / (size * size * 4) < 2, f"{size}px icon is stale: run packaging/make_icons.py"


def test_install_desktop_puts_files_in_xdg_folders(tmp_path):
    written = install(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert f"applications/{APP_ID}.desktop" in names and f"metainfo/{APP_ID}.metainfo.xml" in names
    assert f"icons/hicolor/scalable/apps/{APP_ID}.svg" in names
    assert f"icons/hicolor/256x256/apps/{APP_ID}.png" in names
    desktop = (tmp_path / "applications" / f"{APP_ID}.desktop").read_text()
    assert "Exec=tbdesk\n" not in desktop and "tbdesk" in desktop.split("Exec=")[1]
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(tmp_path / "applications" / f"{APP_ID}.desktop")], check=True)


def run_smoke(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(cwd), "XDG_DATA_HOME": str(cwd / "data")}
    for var in ("TESTINGBOT_KEY", "TESTINGBOT_SECRET", "TB_KEY", "TB_SECRET", "PYTHONPATH"):
        env.pop(var, None)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_runs(tmp_path):
    """pip install of the wheel (not editable): ui/ and resources/ travel inside and are found."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = wheels.glob("tbdesk-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True, capture_output=True)
    print(f"\nwheel: {wheel.name}, {wheel.stat().st_size / 1024:.0f} KiB")
    run_dir = tmp_path / "elsewhere"  # not the repository: nothing may be found by accident
    run_dir.mkdir()
    out = run_smoke(
        [str(venv / "bin" / "tbdesk"), "--sandbox", "--sandbox-db", ":memory:", "--exit-when-loaded"], run_dir
    )
    assert "tbdesk: loaded 6 accounts and 100 tests" in out
    assert "tbdesk sandbox: http://127.0.0.1:" in out  # where to point Selenium, with the sandbox's own pair
    assert "tbdesk 0.1.0" in run_smoke([str(venv / "bin" / "tbdesk"), "--version"], run_dir)


@pytest.mark.slow
def test_frozen_build_smoke(tmp_path):
    """packaging/build_frozen.sh builds the one-folder app with PyInstaller and smoke-tests it."""
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build_frozen.sh"), sys.executable],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    print(result.stdout[-2000:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "frozen smoke test passed" in result.stdout
    # Issue #16: under 120 MB on disk (it was 204 MB with every Qt plugin, translation and ICU locale name).
    files = (ROOT / "build" / "frozen" / "tbdesk").rglob("*")
    size = sum(f.stat().st_size for f in files if f.is_file() and not f.is_symlink())  # links: counted once
    assert size < 120 * 2**20, f"frozen build is {size / 2**20:.0f} MiB"
    # the trimmed ICU still collates by locale: the frozen app's own Qt, asked through its Python
    assert "ICU collation follows the locale" in result.stdout
    # The window is painted from ui/main_window.ui by QUiLoader, which loads no Qt Designer plugin (Qt Quick's
    # widget would bring Qt Quick in). PySide6's support code and its patterns are kept in the user's cache,
    # compiled, as by a pip install (packaging/rthook_signature_cache.py).
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    app = ROOT / "build" / "frozen" / "tbdesk" / "tbdesk"
    proc = subprocess.Popen(
        [str(app), "--api-url", "http://127.0.0.1:9/v1", "--announce-start"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "tbdesk: first paint" in line:
                maps = Path(f"/proc/{proc.pid}/maps").read_text()
                assert "/designer/" not in maps and "libQt6Quick" not in maps
                break
        else:
            raise AssertionError("the frozen app never painted")
        cache = home / "cache" / "tbdesk" / "tbdesk"
        assert len(list((cache / "pyside-signature").glob("*.code"))) > 5
        assert (cache / "python-regex" / "pyside-import.marshal").stat().st_size > 10_000  # PySide6's patterns
    finally:
        proc.kill()
        proc.communicate()  # closes its output pipe
