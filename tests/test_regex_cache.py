"""regex_cache: the second start compiles none of the first start's patterns, and every pattern behaves the same.

A start is a fresh Python (this one has compiled and kept PySide6's patterns long ago); the unit tests below
call the cache as re does (re._compile calls re._compiler.compile when its own dict misses).
"""

from __future__ import annotations

import marshal
import re
from pathlib import Path
from typing import Any

import pytest

from tbdesk import regex_cache
from tbdesk.regex_cache import RegexCache, default_file, regexes_once

from helpers.processes import run_probe

ORIGINAL = re._compiler.compile  # type: ignore[attr-defined]

# Patterns of the kinds start-up compiles: named groups, look-ahead, verbose, bytes, flags, Unicode classes.
PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<key>[0-9a-f]{32}):(?P<secret>[0-9a-f]{32})", 0),
    (r"\b(typing\.Optional|typing\.Union)\s*(?=\[)", re.VERBOSE),
    (r"^\s*(\w+)\s*=\s*(.*?)\s*$", re.MULTILINE),
    (r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", 0),
    (rb"HTTP/(\d)\.(\d) (\d{3})", 0),
    (r"colou?r", re.IGNORECASE),
    (r"(a)(b)?(?(2)c|d)", 0),
]


def compile_all(cache: RegexCache) -> list[Any]:  # str and bytes patterns
    return [cache(pattern, flags) for pattern, flags in PATTERNS]


def test_the_second_start_takes_the_same_patterns_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "start-up.marshal"
    first = RegexCache(path, ORIGINAL)
    made = compile_all(first)
    assert (first.hits, first.misses) == (0, len(PATTERNS))
    first.save()
    second = RegexCache(path, ORIGINAL)
    again = compile_all(second)
    assert (second.hits, second.misses) == (len(PATTERNS), 0)
    for (pattern, flags), cached, fresh in zip(PATTERNS, again, made, strict=True):
        assert cached == ORIGINAL(pattern, flags) == fresh  # equal patterns: same flags and engine code
        assert (cached.groups, cached.groupindex, cached.flags) == (fresh.groups, fresh.groupindex, fresh.flags)
    key = again[0].match("0123456789abcdef" * 2 + ":" + "fedcba9876543210" * 2)
    assert key is not None and key["secret"].startswith("fedcba")
    assert again[4].match(b"HTTP/1.1 200 OK").groups() == (b"1", b"1", b"200")
    assert again[5].search("COLOR") and not again[5].search("colr")
    assert [again[6].fullmatch(s) is not None for s in ("abc", "ad", "abd")] == [True, True, False]


def test_a_wrong_pattern_raises_re_s_own_error(tmp_path: Path) -> None:
    cache = RegexCache(tmp_path / "x.marshal", ORIGINAL)
    with pytest.raises(re.error, match="missing \\)"):
        cache("(unclosed", 0)
    assert cache.entries == {}


def saved(path: Path) -> tuple[str, dict[Any, Any]]:
    """A start's file at `path`, and what it holds: (the engine's mark, the entries)."""
    cache = RegexCache(path, ORIGINAL)
    compile_all(cache)
    cache.save()
    engine, entries = marshal.loads(path.read_bytes())
    return engine, entries


def test_a_damaged_file_or_entry_is_compiled_again(tmp_path: Path) -> None:
    path = tmp_path / "start-up.marshal"
    engine, entries = saved(path)
    key = next(iter(entries))
    flags, code, groups, groupindex, indexgroup = entries[key]
    entries[key] = (flags, [9999, *code[1:]], groups, groupindex, indexgroup)  # not the engine's code
    path.write_bytes(marshal.dumps((engine, entries)))
    again = RegexCache(path, ORIGINAL)
    assert compile_all(again) == [ORIGINAL(p, f) for p, f in PATTERNS]
    assert (again.hits, again.misses) == (len(PATTERNS) - 1, 1)

    path.write_bytes(path.read_bytes()[:100])  # cut short
    cut = RegexCache(path, ORIGINAL)
    assert compile_all(cut) == [ORIGINAL(p, f) for p, f in PATTERNS] and cut.hits == 0


def test_another_pythons_file_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "start-up.marshal"
    _, entries = saved(path)
    path.write_bytes(marshal.dumps(("3.99.0 (another build) 20991231 4", entries)))
    other = RegexCache(path, ORIGINAL)
    compile_all(other)
    assert other.hits == 0 and other.misses == len(PATTERNS)


def test_a_folder_others_can_write_to_is_never_read(tmp_path: Path) -> None:
    # XDG_CACHE_HOME may point at a shared place: a pattern another user planted must not be used.
    folder = tmp_path / "shared"
    cache = RegexCache(folder / "start-up.marshal", ORIGINAL)
    compile_all(cache)
    cache.save()
    before = (folder / "start-up.marshal").read_bytes()
    folder.chmod(0o777)
    planted = RegexCache(folder / "start-up.marshal", ORIGINAL)
    assert not planted.enabled
    assert compile_all(planted) == [ORIGINAL(p, f) for p, f in PATTERNS] and planted.hits == 0
    planted.save()
    assert (folder / "start-up.marshal").read_bytes() == before  # nothing written there either
    folder.chmod(0o700)
    assert RegexCache(folder / "start-up.marshal", ORIGINAL).entries


def test_a_new_folder_is_this_users_alone(tmp_path: Path) -> None:
    with regexes_once("x", tmp_path / "cache" / "regex" / "x.marshal"):
        re.compile(r"only (this) test compiles \d+ of these", re.ASCII)
    assert (tmp_path / "cache" / "regex").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "cache" / "regex" / "x.marshal").exists()


def test_re_compiles_as_before_once_the_start_is_over(tmp_path: Path) -> None:
    with regexes_once("x", tmp_path / "x.marshal") as cache:
        assert re._compiler.compile is cache  # type: ignore[attr-defined]
    assert re._compiler.compile is ORIGINAL  # type: ignore[attr-defined]


def test_entries_stay_across_kinds_of_start_until_there_are_too_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.marshal"
    sandbox_start = RegexCache(path, ORIGINAL)
    sandbox_start(r"sandbox only (\d+)", 0)
    sandbox_start.save()
    plain_start = RegexCache(path, ORIGINAL)
    plain_start(r"plain only (\d+)", 0)
    plain_start.save()
    assert len(RegexCache(path, ORIGINAL).entries) == 2  # the sandbox's is kept for the next sandbox start
    monkeypatch.setattr(regex_cache, "MAX_ENTRIES", 2)
    crowded = RegexCache(path, ORIGINAL)
    crowded(r"a third (\d+)", 0)
    crowded.save()
    assert [key[1] for key in RegexCache(path, ORIGINAL).entries] == [r"a third (\d+)"]  # only what it used


FORKED = """
import os, re
from pathlib import Path
from tbdesk.regex_cache import regexes_once
path = Path(FOLDER) / "start-up.marshal"
with regexes_once("start-up", path) as cache:
    re.compile(r"the window (\\d+)")
    pid = os.fork()
    if pid == 0:  # the start-up helper: uses the entries, compiles its own, never writes
        re.compile(r"only the helper (\\d+)")
        cache.save()
        os._exit(0)
    os.waitpid(pid, 0)
    print("AFTER_HELPER", path.exists())
import marshal
print("SAVED", sorted(key[1] for key in marshal.loads(path.read_bytes())[1]))
"""


def test_only_the_window_process_writes_the_file(tmp_path: Path) -> None:
    found = run_probe(f"FOLDER = {str(tmp_path)!r}\n{FORKED}")
    assert found["AFTER_HELPER"] is False
    assert found["SAVED"] == [r"the window (\d+)"]


START = """
from pathlib import Path
from tbdesk.regex_cache import regexes_once
with regexes_once("start-up", Path(FILE)) as cache:
    from PySide6.QtCore import QTimer
print("HITS", cache.hits)
print("MISSES", cache.misses)
try:
    QTimer().setInterval("soon")
except TypeError as exc:
    print("WRONG", repr(str(exc)))  # PySide6's message, made with its patterns
"""


def test_pyside6_s_patterns_come_from_the_file_at_the_second_start(tmp_path: Path) -> None:
    code = f"FILE = {str(tmp_path / 'start-up.marshal')!r}\n{START}"
    first = run_probe(code)
    assert first["HITS"] == 0 and first["MISSES"] > 10  # type: ignore[operator]
    second = run_probe(code)
    assert second["MISSES"] == 0 and second["HITS"] == first["MISSES"]
    assert "Supported signatures" in str(second["WRONG"]) and second["WRONG"] == first["WRONG"]


def test_the_file_is_in_tbdesks_cache_folder(tmp_path: Path) -> None:
    found = run_probe(
        "from tbdesk.regex_cache import default_file\nprint('FILE', repr(str(default_file('start-up'))))",
        env={"HOME": str(tmp_path), "XDG_CACHE_HOME": ""},
    )
    assert found["FILE"] == str(tmp_path / ".cache" / "tbdesk" / "tbdesk" / "python-regex" / "start-up.marshal")
    assert default_file("start-up") is not None
