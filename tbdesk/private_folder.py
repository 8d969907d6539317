"""Whether a folder is safe to load code from: the caches of compiled code live in the user's cache folder.

tbdesk runs Python it compiled earlier (signature_cache.py, gui/form_cache.py) from `~/.cache`, or from
wherever XDG_CACHE_HOME points, which may be a shared place such as /tmp. Code is only read from, and
written to, a folder that is this user's own and that no one else can write to; anywhere else the caches are
left unused (compiling, or QUiLoader, instead). On Windows the per-user folder's access rules do this job.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def is_private(folder: Path) -> bool:
    """An existing folder (symbolic links followed), owned by this user, not writable by group or others."""
    try:
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if os.name != "posix":
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def make_private(folder: Path) -> bool:
    """Create `folder` (only this user may enter it) if missing; whether it is private."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return is_private(folder)
