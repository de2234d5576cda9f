"""Is the profile in use?  Gecko's own lock: ``.parentlock`` (fcntl) and ``lock`` (symlink) on
Unix, ``parent.lock`` held open without sharing on Windows.

``.parentlock`` stays behind after Thunderbird exits, so its existence means
nothing; only a held POSIX record lock does (``flock`` would not see it).
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Optional

from migrate.posix import may_be_running
from migrate.posix import optional_module


def in_use(profile: Path) -> Optional[str]:
    return _fcntl_lock(profile / ".parentlock") or _symlink_lock(profile / "lock") or _windows_lock(profile / "parent.lock")


def _fcntl_lock(path: Path) -> Optional[str]:
    fcntl = optional_module("fcntl")  # none on Windows, where Gecko does not use .parentlock
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # conflicts with the write lock Gecko holds
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EAGAIN):
            return "the profile is in use (.parentlock is locked): quit Thunderbird/SeaMonkey first"
        return None
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    return None


def _symlink_lock(path: Path) -> Optional[str]:
    try:
        target = os.readlink(path)
    except OSError:
        return None
    _, _, pid = target.rpartition(":")
    try:
        if not may_be_running(int(pid.lstrip("+"))):
            return None  # a stale lock left by a crash
    except ValueError:
        return None
    return f"the profile is in use (lock -> {target}): quit Thunderbird/SeaMonkey first"


def _windows_lock(path: Path) -> Optional[str]:
    if os.name != "nt" or not path.exists():
        return None
    try:
        with open(path, "r+b"):
            return None
    except PermissionError:
        return "the profile is in use (parent.lock is held): quit Thunderbird/SeaMonkey first"
