"""Safe reads and writes: atomic, owner and mode kept, no link followed inside a home."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from migrate.errors import SkipFile
from migrate.files import Ownership
from migrate.files import read_source
from migrate.files import write_atomic
from tests.without_posix import take_away


def test_write_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "rc"
    target.write_bytes(b"old")
    target.chmod(0o640)
    source = read_source(target)
    write_atomic(target, b"new", Ownership.of(source.stat), unchanged_since=source.stat)
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["rc"]


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "rc"
    target.write_bytes(b"old")
    source = read_source(target)
    target.write_bytes(b"edited by the user meanwhile")
    with pytest.raises(Exception, match="changed while"):
        write_atomic(target, b"new", Ownership.of(source.stat), unchanged_since=source.stat)
    assert target.read_bytes() == b"edited by the user meanwhile"


def test_a_created_file_never_replaces_one_that_appeared(tmp_path: Path) -> None:
    owner = Ownership(0o640, os.geteuid(), os.getegid())
    write_atomic(tmp_path / "new.prf", b"made", owner, create=True)
    assert (tmp_path / "new.prf").read_bytes() == b"made" and stat.S_IMODE((tmp_path / "new.prf").stat().st_mode) == 0o640
    with pytest.raises(Exception, match="appeared while"):
        write_atomic(tmp_path / "new.prf", b"again", owner, create=True)
    assert (tmp_path / "new.prf").read_bytes() == b"made" and [p.name for p in tmp_path.iterdir()] == ["new.prf"]


def test_no_folder_link_is_followed_below_a_home(tmp_path: Path) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (elsewhere / "rc").write_bytes(b"not yours")
    (home / "dir").symlink_to(elsewhere)
    with pytest.raises(SkipFile, match="symbolic link"):
        read_source(home / "dir" / "rc", root=home)
    with pytest.raises(SkipFile, match="symbolic link"):
        write_atomic(home / "dir" / "rc", b"x", Ownership(0o600, os.geteuid(), os.getegid()), root=home)
    with pytest.raises(SkipFile, match="outside the home"):
        read_source(elsewhere / "rc", root=home)
    assert (elsewhere / "rc").read_bytes() == b"not yours"
    assert read_source(home / "dir" / "rc").data == b"not yours"  # a person's own run may follow their folders


@pytest.mark.parametrize("posix", [True, False], ids=["posix", "without posix"])
def test_a_created_file_gets_its_missing_folders_private_and_never_through_a_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, posix: bool) -> None:
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (home / "link").symlink_to(elsewhere)
    owner = Ownership(0o600, os.geteuid(), os.getegid())
    if not posix:
        take_away(monkeypatch)
    write_atomic(home / "a" / "b" / "new", b"made", owner, root=home, create=True)
    assert (home / "a" / "b" / "new").read_bytes() == b"made"
    assert [stat.S_IMODE((home / name).stat().st_mode) for name in ("a", "a/b")] == [0o700, 0o700]
    with pytest.raises(SkipFile, match="symbolic link"):
        write_atomic(home / "link" / "c" / "new", b"x", owner, root=home, create=True)
    assert list(elsewhere.iterdir()) == []
