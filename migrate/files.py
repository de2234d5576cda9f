"""Reading and writing users' files safely: no links followed, atomic replace, owner and mode kept."""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import stat
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
    import hashlib  # OpenSSL's library: loaded by the commands that write or restore, not by every start

    return hashlib.sha256(data).hexdigest()


def read_source(path: Path, root: Optional[Path] = None) -> Source:
    """The file's bytes; a link, or anything but a regular file, is skipped, never followed.

    With ``root`` (a home), no component of the path below it may be a link either.
    """
    folder = _open_folder(path.parent, root)
    try:
        fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK, dir_fd=folder)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SkipFile(f"{path}: a symbolic link; give the file it points to") from None
        if error.errno == errno.ENOENT:
            raise
        raise MigrateError(f"{path}: cannot read: {error.strerror}") from None
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as handle:
        result = os.fstat(handle.fileno())
        if not stat.S_ISREG(result.st_mode):
            raise SkipFile(f"{path}: not a regular file")
        return Source(path, handle.read(), result)


def write_atomic(
    path: Path, data: bytes, owner: Ownership, unchanged_since: Optional[os.stat_result] = None,
    root: Optional[Path] = None, create: bool = False,
) -> None:
    """Replace ``path`` by ``data`` all at once: temp file beside it, fsync, rename, fsync the folder.

    Everything goes through a descriptor of the folder, opened as ``read_source``
    opens it, so nothing is written through a link.  With ``unchanged_since``,
    refuse when the file was changed or swapped for a link after it was read.  With ``create``,
    refuse when a file of that name exists (a new file never replaces one).
    """
    folder = _open_folder(path.parent, root)
    try:
        temp = f".{path.name}.{os.urandom(4).hex()}.mailmigrate-tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=folder)
        try:
            os.fchmod(fd, owner.mode)
            _chown(fd, owner)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if unchanged_since is not None:
                _check_unchanged(path, folder, unchanged_since)
            if create:
                _link_new(temp, path, folder)
            else:
                os.replace(temp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp, dir_fd=folder)
            raise
        os.fsync(folder)
    finally:
        os.close(folder)


def _link_new(temp: str, path: Path, folder: int) -> None:
    try:
        os.link(temp, path.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
    except FileExistsError:
        raise MigrateError(f"{path}: appeared while being migrated; left alone, run again") from None
    os.unlink(temp, dir_fd=folder)


def is_within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or below it, by name (links are not resolved)."""
    path, folder = path.absolute(), folder.absolute()
    return path == folder or folder in path.parents


def _open_folder(folder: Path, root: Optional[Path]) -> int:
    """A descriptor of ``folder``; below ``root``, each component opened without following a link."""
    flags = os.O_RDONLY | os.O_DIRECTORY
    if root is None:
        return os.open(folder, flags)
    root, folder = root.absolute(), folder.absolute()
    if not is_within(folder, root):
        raise SkipFile(f"{folder}: outside the home {root}; left alone")
    fd = os.open(root, flags | os.O_NOFOLLOW)
    for part in folder.relative_to(root).parts:
        try:
            following = os.open(part, flags | os.O_NOFOLLOW, dir_fd=fd)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise SkipFile(f"{folder}: {part} is a symbolic link; not followed out of the home") from None
            raise
        os.close(fd)
        fd = following
    return fd


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


def _check_unchanged(path: Path, folder: int, before: os.stat_result) -> None:
    try:
        now = os.stat(path.name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        raise MigrateError(f"{path}: removed while being migrated; left alone") from None
    if stat.S_ISLNK(now.st_mode) or (now.st_ino, now.st_size, now.st_mtime_ns) != (
        before.st_ino, before.st_size, before.st_mtime_ns
    ):
        raise MigrateError(f"{path}: changed while being migrated; left alone, run again")
