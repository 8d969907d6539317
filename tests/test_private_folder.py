"""private_folder: a cache of compiled code is used only where no one else can change it, before or after
the check (XDG_CACHE_HOME may point at a shared place)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tbdesk.private_folder import make_private, private, write_whole
from tbdesk.regex_cache import RegexCache

ORIGINAL = re._compiler.compile  # type: ignore[attr-defined]


def test_this_users_own_folder_is_private_as_its_real_path(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "tbdesk"
    assert make_private(folder) == folder.resolve()
    assert folder.stat().st_mode & 0o777 == 0o700
    (tmp_path / "link").symlink_to(folder)
    assert private(tmp_path / "link") == folder.resolve()


@pytest.mark.parametrize("mode", [0o777, 0o722, 0o702])  # group-writable: below
def test_a_folder_others_can_write_to_is_not(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(mode)
    assert private(folder) is None and make_private(folder) is None


def test_a_folder_below_one_others_can_write_to_is_not(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    folder = shared / "cache" / "tbdesk"
    assert make_private(folder) is not None
    shared.chmod(0o777)  # they could move ours away and put theirs in its place
    assert private(folder) is None
    shared.chmod(0o1777)  # the sticky bit (/tmp): they cannot rename or remove what is ours
    assert private(folder) == folder.resolve()


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_below_one_another_user_owns_is_not(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    folder = theirs / "cache"
    assert make_private(folder) is not None
    os.chown(theirs, 65534, 65534)  # nobody's, even with no write permission for others
    theirs.chmod(0o755)
    assert private(folder) is None


def test_nothing_is_made_below_a_folder_others_can_write_to(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert make_private(shared / "tbdesk" / "cache") is None
    assert list(shared.iterdir()) == []


def test_a_link_in_a_folder_others_can_write_to_is_not_followed(tmp_path: Path) -> None:
    # Whoever placed it there chooses which folder is used, even one of ours (QA12).
    ours = tmp_path / "ours"
    assert make_private(ours) is not None
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "tbdesk").symlink_to(ours, target_is_directory=True)
    shared.chmod(0o777)
    assert private(shared / "tbdesk") is None and make_private(shared / "tbdesk" / "forms") is None
    assert list(ours.iterdir()) == []


@pytest.mark.skipif(os.getuid() != 0, reason="a link of another user's needs root to make")
def test_another_users_link_in_a_sticky_folder_is_not_followed(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    assert make_private(ours) is not None
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    link = shared / "tbdesk"
    link.symlink_to(ours, target_is_directory=True)
    assert private(link) == ours.resolve()  # our own link: followed
    os.lchown(link, 65534, 65534)
    assert private(link) is None


def test_missing_things_and_files_are_not_folders(tmp_path: Path) -> None:
    assert private(tmp_path / "missing") is None
    (tmp_path / "file").write_text("")
    assert private(tmp_path / "file") is None and make_private(tmp_path / "file" / "below") is None
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert private(tmp_path / "loop") is None


def test_a_link_re_pointed_after_the_check_is_not_followed(tmp_path: Path) -> None:
    # The caches keep the real path they checked: pointing the link elsewhere later changes nothing.
    ours = tmp_path / "ours"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    link = tmp_path / "cache"
    link.symlink_to(ours, target_is_directory=True)
    ours.mkdir(mode=0o700)
    cache = RegexCache(link / "start-up.marshal", ORIGINAL)
    assert cache.enabled
    link.unlink()
    link.symlink_to(theirs, target_is_directory=True)
    cache(r"kept (\d+)", 0)
    cache.save()
    assert (ours / "start-up.marshal").exists() and not list(theirs.iterdir())


def test_a_cache_file_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    # QA12: with a folder where the file should be, every start left a 123 KB partial file behind.
    folder = make_private(tmp_path / "cache")
    assert folder is not None
    (folder / "start-up.marshal").mkdir()
    cache = RegexCache(folder / "start-up.marshal", ORIGINAL)
    cache(r"never (kept)", 0)
    cache.save()  # quietly: the next start compiles again
    assert [p.name for p in folder.iterdir()] == ["start-up.marshal"]
    with pytest.raises(OSError):
        write_whole(folder / "start-up.marshal", b"data")
    assert [p.name for p in folder.iterdir()] == ["start-up.marshal"]


def _group_of_others() -> int | None:
    """A group another user has as theirs (on Debian, daemon's), to give a folder to."""
    import pwd

    return next((u.pw_gid for u in pwd.getpwall() if u.pw_uid != os.getuid() and u.pw_gid != os.getgid()), None)


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another group needs root")
def test_a_group_writable_folder_is_private_only_when_the_group_is_this_users_alone(tmp_path: Path) -> None:
    # QA13: with a umask of 002 (user private groups) ~/.cache is group-writable, and the caches were never used.
    import pwd

    own_group_shared = any(u.pw_gid == os.getgid() and u.pw_uid != os.getuid() for u in pwd.getpwall())
    home = tmp_path / "home"
    folder = home / ".cache" / "tbdesk"
    assert make_private(folder) is not None
    home.chmod(0o775)
    (home / ".cache").chmod(0o775)
    assert (private(folder) is None) == own_group_shared
    others = _group_of_others()
    assert others is not None
    os.chown(home / ".cache", -1, others)  # writable by a group other users are in
    assert private(folder) is None
