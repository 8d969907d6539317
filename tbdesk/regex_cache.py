"""Regular expressions compiled at every start, taken from the start before (issue #16).

Python compiles a regular expression in Python code (re._parser and re._compiler) and keeps the result for
that process only. Start-up compiles ~35 of them before the first frame, ~11 ms, most of it for PySide6's
own support code (its signature parser builds patterns of nested brackets); the imports behind the window
and the start-up helper compile more. While `regexes_once` is active, re's compile step is answered from a
file of what the last start compiled: the engine's code for each pattern, handed to the same C function
that makes a pattern from it. The result is the same pattern object (re's patterns compare equal only when
their compiled code is the same: checked for each new entry, and by the tests).

The file is marked with the interpreter's version and the regular expression engine's; it is rewritten
when a start compiled something it did not hold. Anything wrong (another Python, a damaged file, an
entry that compiles differently) falls back to re's own compiling. It is read only from a folder that is
the user's own and writable by no one else (private_folder.py): the engine checks the code it is given,
but a pattern that matches differently would still be another program.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .private_folder import make_private, write_whole
from .signature_cache import cache_root

try:  # the engine's own modules (CPython 3.11+): without them, nothing is cached
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]

    ENGINE = f"{sys.version} {_sre.MAGIC} {_sre.CODESIZE}"
except ImportError:  # pragma: no cover - another Python
    _compiler = _parser = None
    ENGINE = ""

MAX_ENTRIES = 400  # start-up compiles ~100
Key = tuple[bool, "str | bytes", int]  # bytes or not, the pattern, the flags asked for
# What re's compile hands to _sre.compile: flags, code, groups - 1, the group names both ways.
Entry = tuple[int, list[int], int, dict[str, int], tuple["str | None", ...]]


def default_file(name: str) -> Path | None:
    """None when there is no home folder to keep a cache in (then every start compiles, as Python does)."""
    try:
        folder = cache_root() / "python-regex"
    except (RuntimeError, KeyError, OSError):
        return None
    return folder / f"{name}.marshal" if folder.is_absolute() else None


def _entry(pattern: str | bytes, flags: int) -> Entry:
    """re._compiler.compile's steps, keeping what it hands to _sre.compile (CPython 3.11 to 3.13)."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: the opcodes are named, unmarshallable
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


class RegexCache:
    """re._compiler.compile, answered from `path` when the pattern was compiled at the last start."""

    def __init__(self, path: Path | None, compile_: Callable[..., re.Pattern[Any]]) -> None:
        self.path, self._compile = path, compile_
        self.entries: dict[Key, Entry] = {}
        self.used: set[Key] = set()
        self.hits = self.misses = 0
        self.writer = os.getpid()  # a forked helper uses the entries, and leaves the file to this process
        real = make_private(path.parent) if ENGINE and path is not None else None
        self.enabled = real is not None
        if real is not None and path is not None:
            self.path = real / path.name  # its real path: a link re-pointed later is not followed
        if self.enabled:
            self._load()

    def _load(self) -> None:
        assert self.path is not None
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            engine, entries = marshal.loads(self.path.read_bytes())
            if engine == ENGINE and isinstance(entries, dict):
                self.entries = entries

    def __call__(self, pattern: Any, flags: int = 0) -> re.Pattern[Any]:
        if not self.enabled or not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
            return self._compile(pattern, flags)
        key: Key = (isinstance(pattern, bytes), pattern, int(flags))  # re passes an int; plain ints marshal
        entry = self.entries.get(key)
        if entry is not None:
            with contextlib.suppress(Exception):  # a damaged entry (the engine checks the code): compiled again
                compiled = _sre.compile(pattern, *entry)
                self.used.add(key)
                self.hits += 1
                return compiled
        expected = self._compile(pattern, flags)  # as re does, errors included
        with contextlib.suppress(Exception):
            entry = _entry(pattern, flags)
            if _sre.compile(pattern, *entry) == expected:  # equal patterns: the same flags and engine code
                self.entries[key] = entry
                self.used.add(key)
                self.misses += 1
        return expected

    def save(self) -> None:
        """Add what this start compiled to the file. Starts differ (a sandbox, no helper), so entries stay
        until there are more than MAX_ENTRIES; then only what this start used is kept."""
        if not self.enabled or os.getpid() != self.writer or not self.misses:
            return
        assert self.path is not None
        kept = self.entries if len(self.entries) <= MAX_ENTRIES else {key: self.entries[key] for key in self.used}
        with contextlib.suppress(OSError, ValueError):
            write_whole(self.path, marshal.dumps((ENGINE, kept)))


@contextlib.contextmanager
def regexes_once(name: str, path: Path | None = None) -> Iterator[RegexCache]:
    """While active (on every thread), re compiles from the cache `name` when it can; saved at the end."""
    cache = RegexCache(path if path is not None else default_file(name), _compiler.compile if _compiler else re.compile)
    if cache.enabled:
        _compiler.compile = cache
    try:
        yield cache
    finally:
        if cache.enabled and _compiler.compile is cache:
            _compiler.compile = cache._compile
        cache.save()
