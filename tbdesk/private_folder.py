"""Whether a folder is safe to load code from: the caches of compiled code live in the user's cache folder.

tbdesk runs Python it compiled earlier (signature_cache.py, gui/form_cache.py), and uses regular expressions
compiled earlier (regex_cache.py), from `~/.cache`, or from wherever XDG_CACHE_HOME points, which may be a
shared place such as /tmp. They are only read from, and written to, a folder that no one else can change:
the folder is this user's own and writable by no one else, and so is every folder above it (or it is
root's; a shared folder such as /tmp is allowed when it has the sticky bit, so others cannot rename what is
ours in it). Checking the folder alone was not enough: whoever can write to a folder above it can move ours
away after the check and put their own in its place. The callers use the folder's real path (symbolic links
resolved) returned here, so a link re-pointed after the check is not followed either.
Anywhere else the caches are left unused (compiling, or QUiLoader, instead). On Windows the per-user
folder's access rules do this job.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def private(folder: Path) -> Path | None:
    """`folder`'s real path if it exists and no one but this user (and root) can change it or what is in it."""
    try:
        real = folder.resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError):  # missing, or a loop of links
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    if os.name != "posix":
        return real
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    for above in real.parents:  # real paths: no links left to re-point
        try:
            up = above.stat()
        except OSError:
            return None
        if up.st_uid not in (0, os.getuid()):
            return None
        if up.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not up.st_mode & stat.S_ISVTX:
            return None
    return real


def is_private(folder: Path) -> bool:
    return private(folder) is not None


def make_private(folder: Path) -> Path | None:
    """Create `folder` (only this user may enter it) if missing; its real path when it is private."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return private(folder)
