"""signature_cache: PySide6's support code comes from the cache at the second start, and behaves the same.

Each start is a fresh Python (this one has imported PySide6 long ago). What PySide6 builds from that code
is checked as a user meets it: a Qt function's signature, and the message for a call with wrong arguments.
"""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

from tbdesk.signature_cache import CodeCache, compiled_once, default_folder

from helpers.processes import run_probe

START = """
import builtins, sys
from pathlib import Path
from tbdesk.signature_cache import compiled_once
own = builtins.compile
with compiled_once(Path(FOLDER)) as cache:
    from PySide6.QtCore import QTimer
print("HITS", cache.hits)
print("MISSES", cache.misses)
print("RESTORED", builtins.compile is own)
print("SIGNATURE", repr(QTimer.setInterval.__doc__))  # built by the support code
try:
    QTimer().setInterval("soon")
except TypeError as exc:
    print("WRONG", repr(str(exc)))
"""


def start(folder: Path) -> dict[str, object]:
    return run_probe(f"FOLDER = {str(folder)!r}\n{START}")


def entries(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_second_start_compiles_nothing_and_behaves_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    first = start(folder)
    assert first["HITS"] == 0 and first["MISSES"] > 5  # type: ignore[operator]
    assert len(entries(folder)) == first["MISSES"]
    second = start(folder)
    assert second["MISSES"] == 0 and second["HITS"] == first["MISSES"]
    for found in (first, second):
        assert found["RESTORED"] is True
        assert "msec" in str(found["SIGNATURE"])
        assert "Supported signatures" in str(found["WRONG"])  # worded by the support code
    assert (second["SIGNATURE"], second["WRONG"]) == (first["SIGNATURE"], first["WRONG"])


def test_a_damaged_entry_is_compiled_again(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    total = start(folder)["MISSES"]
    names = sorted(entries(folder))
    (folder / names[0]).write_bytes((folder / names[0]).read_bytes()[:40])  # cut short
    (folder / names[1]).write_bytes(b"not marshal data at all")
    again = start(folder)
    assert again["MISSES"] == 2 and again["HITS"] == total - 2  # type: ignore[operator]
    assert "msec" in str(again["SIGNATURE"])
    assert start(folder)["MISSES"] == 0  # mended


def test_an_unwritable_folder_only_costs_the_compiling(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # a file where the folder would be: nothing can be written under it
    for _ in range(2):
        found = start(blocked / "code")
        assert found["HITS"] == 0 and found["RESTORED"] is True
        assert "msec" in str(found["SIGNATURE"])


def test_code_in_a_folder_others_can_write_to_is_never_run(tmp_path: Path) -> None:
    # XDG_CACHE_HOME may point at a shared place: what another user put there must not run in tbdesk.
    folder = tmp_path / "code"
    start(folder)
    before = entries(folder)
    folder.chmod(0o777)
    found = start(folder)
    assert found["HITS"] == 0 and "msec" in str(found["SIGNATURE"])
    assert entries(folder) == before  # nothing written there either
    folder.chmod(0o700)
    assert start(folder)["HITS"] == len(before)  # this user's own again: used


def test_a_new_folder_is_this_users_alone(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "code"
    start(folder)
    assert folder.stat().st_mode & 0o777 == 0o700


def test_files_an_older_pyside_used_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    folder.mkdir()
    (folder / "0123456789abcdef.code").write_bytes(b"an older version's entry")
    found = start(folder)
    assert len(entries(folder)) == found["MISSES"]
    assert "0123456789abcdef.code" not in entries(folder)


def test_compiled_as_shiboken_compiles_it_not_with_this_module_flags(tmp_path: Path) -> None:
    # This module has `from __future__ import annotations`; shiboken's code is compiled without it.
    source = b"def f(x: int) -> None: pass\n"
    for expected_hits in (0, 1):
        with compiled_once(tmp_path) as cache:
            code = builtins.compile(source, "shibokensupport/example.py", "exec")
        assert cache.hits == expected_hits
        namespace: dict[str, object] = {}
        exec(code, namespace)
        assert namespace["f"].__annotations__ == {"x": int, "return": None}  # type: ignore[attr-defined]


def test_other_code_is_compiled_as_asked_and_not_kept(tmp_path: Path) -> None:
    cache = CodeCache(tmp_path, builtins.compile)
    assert eval(cache("1 + 1", "<expr>", "eval")) == 2
    cache(b"x = 1\n", "elsewhere/module.py", "exec")
    assert list(tmp_path.iterdir()) == [] and cache.misses == 0


WHERE = """
from PySide6.QtCore import QCoreApplication, QStandardPaths
from tbdesk.signature_cache import default_folder
app = QCoreApplication([])
app.setOrganizationName("tbdesk")  # as __main__ names it
app.setApplicationName("tbdesk")
print("QT", repr(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)))
print("OURS", repr(str(default_folder().parent)))
"""


@pytest.mark.parametrize("xdg", ["/somewhere/cache", "relative/cache", ""])
def test_the_folder_is_in_tbdesks_cache_where_qt_keeps_it(xdg: str, tmp_path: Path) -> None:
    found = run_probe(WHERE, env={"HOME": str(tmp_path), "XDG_CACHE_HOME": xdg})
    assert found["OURS"] == found["QT"]


def test_without_a_home_folder_nothing_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def unknown(uid: int) -> object:
        raise KeyError(uid)

    monkeypatch.delenv("HOME")  # and this user is not in the password database: Python cannot say where
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr("pwd.getpwuid", unknown)
    monkeypatch.chdir(tmp_path)
    assert default_folder() is None
    cache = CodeCache(default_folder(), builtins.compile)
    namespace: dict[str, object] = {}
    exec(cache(b"x = 1\n", "shibokensupport/example.py", "exec"), namespace)
    assert namespace["x"] == 1 and cache.hits == cache.misses == 0
    assert list(tmp_path.iterdir()) == []
