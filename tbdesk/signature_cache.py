"""PySide6's own Python support code, compiled once instead of at every start (issue #16).

Importing PySide6 runs ~130 KB of Python that shiboken carries inside its library as source (the
`shibokensupport` signature modules); it compiles all of it on every start: ~11 ms before the first frame.
While PySide6 is first imported, `compiled_once` answers those compile() calls from a cache of code objects,
as __pycache__ does for other modules. Same source, same compiler flags, same code: only the compiling is
skipped. Nothing else is touched, and builtins.compile is itself again once the import returns.

A cached entry is named by a hash of the interpreter's bytecode version, the file name and its source, so an
upgraded PySide6 or Python compiles afresh; files no longer used are then removed. Anything wrong (an
unwritable folder, a truncated file, another kind of object in it) falls back to compiling, as PySide6 does.
Code is only read from a folder that is the user's own and writable by no one else (private_folder.py).
"""

from __future__ import annotations

import builtins
import contextlib
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

try:  # CPython 3.11's own module: hashlib would load OpenSSL first (~2 ms)
    from _sha256 import sha256  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other Pythons (3.12 renamed it)
    from hashlib import sha256

from importlib.util import MAGIC_NUMBER

from .private_folder import make_private, write_whole

PREFIX = "shibokensupport/"  # how shiboken names the files it compiles


def cache_root() -> Path:
    """Where Qt's QStandardPaths puts tbdesk's cache (found without loading Qt: this runs before it)."""
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else home / "AppData" / "Local") / "tbdesk" / "tbdesk" / "cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "tbdesk" / "tbdesk"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else home / ".cache") / "tbdesk" / "tbdesk"


def default_folder() -> Path | None:
    """None when there is no home folder to keep a cache in (then every start compiles, as PySide6 does)."""
    try:
        folder = cache_root() / "pyside-signature"
    except (RuntimeError, KeyError, OSError):
        return None
    return folder if folder.is_absolute() else None  # "~" left as it was: not a folder in the working one


class CodeCache:
    """compile() for shiboken's support files, from `folder` when compiled before."""

    def __init__(self, folder: Path | None, compile_: Any) -> None:
        self.folder, self._compile = folder, compile_
        self.hits = self.misses = 0
        self.used: set[str] = set()
        self._private: bool | None = None  # checked once, when shiboken first compiles

    def _usable(self) -> bool:
        if self._private is None:
            real = make_private(self.folder) if self.folder is not None else None
            self._private = real is not None
            self.folder = real or self.folder  # its real path: a link re-pointed later is not followed
        return self._private

    def __call__(self, source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or mode != "exec" or not isinstance(source, bytes) or not isinstance(filename, str):
            return self._compile(source, filename, mode, *args, **kwargs)
        if not filename.startswith(PREFIX) or not self._usable():
            return self._compile(source, filename, mode)
        name = sha256(MAGIC_NUMBER + filename.encode() + b"\0" + source).hexdigest()[:40] + ".code"
        self.used.add(name)
        assert self.folder is not None  # usable
        path = self.folder / name
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            code = marshal.loads(path.read_bytes())
            if isinstance(code, CodeType) and code.co_filename == filename:
                self.hits += 1
                return code
        # As shiboken's own call compiles it: no flags, and none inherited from this module's __future__.
        code = self._compile(source, filename, mode, 0, True)
        self.misses += 1
        self._store(path, code)
        return code

    def _store(self, path: Path, code: CodeType) -> None:
        with contextlib.suppress(OSError):
            write_whole(path, marshal.dumps(code))

    def prune(self) -> None:
        """Remove what this PySide6 no longer uses (an older version's files), once something was compiled."""
        if not self.misses or not self.used or self.folder is None:
            return
        with contextlib.suppress(OSError):
            for entry in self.folder.iterdir():
                if entry.name not in self.used:
                    entry.unlink(missing_ok=True)


@contextlib.contextmanager
def compiled_once(folder: Path | None = None) -> Iterator[CodeCache]:
    """Around PySide6's first import: its support files come from the cache when they can."""
    cache = CodeCache(folder if folder is not None else default_folder(), builtins.compile)
    builtins.compile = cache
    try:
        yield cache
    finally:
        builtins.compile = cache._compile
    cache.prune()
