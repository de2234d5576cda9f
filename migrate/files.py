"""Reading and writing users' files safely: no links followed, atomic replace, owner and mode kept."""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Optional

from migrate.errors import MigrateError
from migrate.errors import SkipFile


@dataclasses.dataclass(frozen=True)
class Source:
    path: Path
    data: bytes
    stat: os.stat_result

    @property
    def sha256(self) -> str:
        return sha256(self.data)


@dataclasses.dataclass(frozen=True)
class Ownership:
    mode: int  #: permission bits only
    uid: int
    gid: int

    @classmethod
    def of(cls, result: os.stat_result) -> Ownership:
        return cls(stat.S_IMODE(result.st_mode), result.st_uid, result.st_gid)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_source(path: Path) -> Source:
    """The file's bytes; a link or anything but a regular file is skipped, never followed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SkipFile(f"{path}: a symbolic link; give the file it points to") from None
        if error.errno == errno.ENOENT:
            raise
        raise MigrateError(f"{path}: cannot read: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        result = os.fstat(handle.fileno())
        if not stat.S_ISREG(result.st_mode):
            raise SkipFile(f"{path}: not a regular file")
        return Source(path, handle.read(), result)


def write_atomic(path: Path, data: bytes, owner: Ownership, unchanged_since: Optional[os.stat_result] = None) -> None:
    """Replace ``path`` by ``data`` all at once: temp file beside it, fsync, rename, fsync the folder.

    With ``unchanged_since``, refuse when the file was changed or swapped for a
    link after it was read.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".mailmigrate-tmp", dir=path.parent)
    try:
        os.fchmod(fd, owner.mode)
        _chown(fd, owner)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if unchanged_since is not None:
            _check_unchanged(path, unchanged_since)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)


def _chown(fd: int, owner: Ownership) -> None:
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) == (owner.uid, owner.gid):
        return
    try:
        os.fchown(fd, owner.uid, owner.gid)
    except PermissionError:
        if os.geteuid() == 0:
            raise
        raise MigrateError(f"cannot give the new file its owner {owner.uid}:{owner.gid}; run as that user or root") from None


def _check_unchanged(path: Path, before: os.stat_result) -> None:
    try:
        now = os.lstat(path)
    except FileNotFoundError:
        raise MigrateError(f"{path}: removed while being migrated; left alone") from None
    if stat.S_ISLNK(now.st_mode) or (now.st_ino, now.st_size, now.st_mtime_ns) != (
        before.st_ino, before.st_size, before.st_mtime_ns
    ):
        raise MigrateError(f"{path}: changed while being migrated; left alone, run again")


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

