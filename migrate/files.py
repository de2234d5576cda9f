"""Reading and writing users' files safely: no links followed (see ``folders``), atomic replace, owner and mode kept."""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import stat
from pathlib import Path
from typing import IO
from typing import Iterator
from typing import Optional

from migrate.errors import MigrateError
from migrate.errors import SkipFile
from migrate.folders import DescriptorFolder
from migrate.folders import Folder
from migrate.folders import is_link
from migrate.folders import not_regular
from migrate.folders import open_folder
from migrate.posix import effective_ids
from migrate.posix import flag


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
    with open_folder(path.parent, root) as folder:
        try:
            fd = folder.open(path.name, os.O_RDONLY | flag("O_NOCTTY") | flag("O_NONBLOCK") | flag("O_BINARY"))
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise SkipFile(f"{path}: a symbolic link; give the file it points to") from None
            if error.errno == errno.ENOENT:
                raise
            raise MigrateError(f"{path}: cannot read: {error.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        result = os.fstat(handle.fileno())
        if not stat.S_ISREG(result.st_mode):
            raise not_regular(path)
        return Source(path, handle.read(), result)


def write_atomic(
    path: Path, data: bytes, owner: Ownership, unchanged_since: Optional[os.stat_result] = None,
    root: Optional[Path] = None, create: bool = False,
) -> None:
    """Replace ``path`` by ``data`` all at once: temp file beside it, fsync, rename, fsync the folder.

    Everything goes through the folder as ``read_source`` opens it, so nothing
    is written through a link.  With ``unchanged_since``, refuse when the file
    was changed or swapped for a link after it was read.  With ``create``,
    refuse when a file of that name exists (a new file never replaces one), and
    make the folders missing on its way, each inside the last and through no
    link, private to the file's owner.
    Stopped anywhere (an error, Ctrl-C, a worker told to stop), it leaves no
    temporary file: the name is removed whether or not the file was made yet.
    """
    with open_folder_for(path, owner, root, create) as folder:
        replace_in(folder, path, data, owner, unchanged_since, create)
        folder.sync()


@contextlib.contextmanager
def open_folder_for(path: Path, owner: Ownership, root: Optional[Path] = None,
                    create: bool = False) -> Iterator[Folder]:
    """The folder of ``path``, open as ``write_atomic`` needs it (made first for a file to ``create``)."""
    if create:
        _make_folders(path.parent, owner, root)
    with open_folder(path.parent, root) as folder:
        yield folder


def replace_in(folder: Folder, path: Path, data: bytes, owner: Ownership,
               unchanged_since: Optional[os.stat_result] = None, create: bool = False) -> None:
    """``write_atomic`` in ``folder`` (``open_folder_for``), but for the folder's sync: the caller syncs
    it once, after every file it writes there."""
    temp = f".{path.name}.{os.urandom(4).hex()}.mailmigrate-tmp"
    try:
        fd = folder.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | flag("O_BINARY"), 0o600)
        try:
            _set_mode(fd, owner.mode)
            _chown(fd, owner)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if unchanged_since is not None:
            _check_unchanged(path, folder, unchanged_since)
        if create:
            _link_new(temp, path, folder)
        else:
            folder.replace(temp, path.name)
    except BaseException:
        with contextlib.suppress(OSError):  # not made, or not removable: the first error is the one to tell
            folder.unlink(temp)
        raise


def write_all(fd: int, data: bytes) -> None:
    """All of ``data``, however many writes it takes."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def remove(path: Path, root: Optional[Path] = None) -> None:
    """Remove the file ``path``, reached as ``read_source`` reaches it (never through a link)."""
    with open_folder(path.parent, root) as folder:
        folder.unlink(path.name)


def _make_folders(folder: Path, owner: Ownership, root: Optional[Path]) -> None:
    missing: list[str] = []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder.name)
        folder = folder.parent
    for name in reversed(missing):
        with open_folder(folder, root) as held:
            held.mkdir(name)
        folder = folder / name
        with open_folder(folder, root) as made:
            if isinstance(made, DescriptorFolder):
                _chown(made.fd, owner)


@contextlib.contextmanager
def replacing(path: Path, mode: str = "wb", encoding: Optional[str] = None) -> Iterator[IO]:
    """A new file that replaces ``path`` when the block ends, and is removed when it fails: for the files
    this program makes itself (reports, the published site), with a new file's permissions.

    It is made beside ``path`` under a random name, never there before (``O_EXCL``): a link planted there
    is not followed and two runs never write the same one.
    """
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.mailmigrate-tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | flag("O_BINARY"), 0o666)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _link_new(temp: str, path: Path, folder: Folder) -> None:
    try:
        folder.link(temp, path.name)
    except FileExistsError:
        raise MigrateError(f"{path}: appeared while being migrated; left alone, run again") from None
    folder.unlink(temp)


def _set_mode(fd: int, mode: int) -> None:
    """The new file's permission bits.  Windows' Python before 3.13 cannot set them through a
    descriptor; access there is in ACLs, which the new file takes from its folder as the old one did."""
    if os.chmod in os.supports_fd:
        os.chmod(fd, mode)


def _chown(fd: int, owner: Ownership) -> None:
    if not hasattr(os, "fchown"):  # Windows: files have no numeric owner to keep
        return
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) == (owner.uid, owner.gid):
        return
    try:
        os.fchown(fd, owner.uid, owner.gid)
    except PermissionError:
        if effective_ids()[0] == 0:
            raise
        raise MigrateError(f"cannot give the new file its owner {owner.uid}:{owner.gid}; run as that user or root") from None


def _check_unchanged(path: Path, folder: Folder, before: os.stat_result) -> None:
    try:
        now = folder.lstat(path.name)
    except FileNotFoundError:
        raise MigrateError(f"{path}: removed while being migrated; left alone") from None
    if is_link(now) or (now.st_ino, now.st_size, now.st_mtime_ns) != (
        before.st_ino, before.st_size, before.st_mtime_ns
    ):
        raise MigrateError(f"{path}: changed while being migrated; left alone, run again")
