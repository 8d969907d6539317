"""Whether a folder is safe to load code from: the caches of compiled code live in the user's cache folder.

tbdesk runs Python it compiled earlier (signature_cache.py), and uses regular expressions
compiled earlier (regex_cache.py), from `~/.cache`, or from wherever XDG_CACHE_HOME points, which may be a
shared place such as /tmp. They are only read from, and written to, a folder that no one else can change,
nor choose:
- the folder is this user's own and writable by no one else (a group of which this user is the one member
  counts as no one else);
- every folder on the way to it, from /, is this user's or root's and writable by no one else, or has the
  sticky bit (as /tmp: others cannot rename or remove what is ours in it). Whoever can write to a folder
  above ours could move ours away after the check and put theirs in its place;
- a symbolic link on the way is followed only from such a folder (in a sticky one, only a link of ours or
  root's): a link another user can place or re-point would let them choose which folder is used;
- nothing is created below a folder that fails these checks.
The callers then use the folder's real path returned here, so a link changed after the check is not
followed. Anywhere else the caches are left unused (compiling, or QUiLoader, instead). On Windows the
per-user folder's access rules do this job.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from pathlib import Path

MAX_LINKS = 40  # as the kernel's own limit on links followed in one path


def private(folder: Path) -> Path | None:
    """`folder`'s real path if it exists and no one but this user (and root) can change or choose it."""
    return _walk(folder, create=False)


def make_private(folder: Path) -> Path | None:
    """Create what is missing of `folder` (only this user may enter it), only below folders that pass the
    checks; its real path when it is private."""
    return _walk(folder, create=True)


def _ours(info: os.stat_result) -> bool:
    return info.st_uid in (0, os.getuid())


def _others_can_write(info: os.stat_result) -> bool:
    if info.st_mode & stat.S_IWOTH:
        return True
    return bool(info.st_mode & stat.S_IWGRP) and not _private_group(info.st_gid)


@functools.cache
def _private_group(gid: int) -> bool:
    """Whether this user is the group's one member: a user private group (Debian, Ubuntu, Fedora), where a
    umask of 002 leaves ~/.cache writable by the group, i.e. by this user alone (QA13: the caches were then
    never used). The rule Debian's OpenSSH applies to its StrictModes check: no other user has the group as
    theirs, and no other user is listed in it."""
    import grp
    import pwd

    try:
        group, me = grp.getgrgid(gid), pwd.getpwuid(os.getuid())
    except KeyError:  # a group or user the system cannot name: not known to be private
        return False
    if any(member != me.pw_name for member in group.gr_mem) or not (me.pw_gid == gid or group.gr_mem):
        return False  # others are listed in it, or this user is not in it at all
    # Then every user on the system, once per group and start (only for a group-writable folder on the way).
    return not any(user.pw_gid == gid and user.pw_uid != me.pw_uid for user in pwd.getpwall())


def _walk(folder: Path, create: bool) -> Path | None:
    if os.name != "posix":
        try:
            if create:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            real = folder.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return real if real.is_dir() else None
    try:
        return _walk_posix(Path(os.path.abspath(folder)), create)
    except OSError:
        return None


def _walk_posix(path: Path, create: bool) -> Path | None:
    current = Path("/")
    pending = list(path.parts[1:])
    links = 0
    while pending:
        name = pending.pop(0)
        if name in ("", "."):
            continue
        here = os.stat(current)  # a real folder: every link on the way was resolved
        if not _ours(here) or (_others_can_write(here) and not here.st_mode & stat.S_ISVTX):
            return None  # others can change what is in it
        shared = _others_can_write(here)  # sticky (checked above): only our own entries are ours
        if name == "..":
            current = current.parent
            continue
        entry = current / name
        try:
            info = os.lstat(entry)
        except FileNotFoundError:
            if not create:
                return None
            with contextlib.suppress(FileExistsError):  # another tbdesk starting too: checked as any other
                os.mkdir(entry, 0o700)
            info = os.lstat(entry)
        if shared and not _ours(info):
            return None  # another user's folder or link in /tmp
        if stat.S_ISLNK(info.st_mode):
            links += 1
            if links > MAX_LINKS:
                return None
            target = Path(os.readlink(entry))
            if target.is_absolute():
                current = Path("/")
                pending = list(target.parts[1:]) + pending
            else:
                pending = list(target.parts) + pending
            continue
        if not stat.S_ISDIR(info.st_mode):
            return None
        current = entry
    info = os.stat(current)
    if info.st_uid != os.getuid() or _others_can_write(info):
        return None
    return current


def write_whole(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (another tbdesk may be reading it); OSError if it cannot be, with no
    partial file left behind (a folder of that name, a full disk)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
