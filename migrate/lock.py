"""One ``apply`` at a time per home: an advisory lock on the home's folder itself.

``flock`` on the folder's descriptor writes nothing into the home, and the lock
goes with the process however it ends, SIGKILL included.  Where the file
system cannot lock a folder (NFS emulates flock with byte-range locks, which
a folder cannot take), or where the folder cannot be opened, the run goes on
unlocked: each write still refuses a file changed since it was read.

Without ``fcntl`` (Windows) the lock is a file created in the home, only if
none is there (``O_EXCL``, which never follows a link), and removed at the
end; a run killed before it could remove it leaves the home locked until
someone does, which the message says.
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from types import ModuleType
from typing import Iterator

from migrate.errors import SkipFile
from migrate.folders import is_link
from migrate.posix import flag
from migrate.posix import optional_module

LOCK_FILE = ".mailmigrate-apply.lock"
_BUSY = "another 'mailmigrate apply' is working on it; left alone, run again once it is done"


@contextlib.contextmanager
def home_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for this process, or raise ``SkipFile`` saying that another run holds it."""
    fcntl = optional_module("fcntl")
    with (_flock(folder, fcntl) if fcntl else _lock_file(folder)):
        yield


@contextlib.contextmanager
def _flock(folder: Path, fcntl: ModuleType) -> Iterator[None]:
    try:
        fd = os.open(folder, os.O_RDONLY | flag("O_DIRECTORY") | flag("O_NOFOLLOW"))
    except OSError:  # missing, a link, not a folder: what reads it next says so
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise SkipFile(f"{folder}: {_BUSY}") from None
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _lock_file(folder: Path) -> Iterator[None]:
    lock = folder / LOCK_FILE
    try:
        if not _is_folder(folder):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL | flag("O_NOFOLLOW") | flag("O_BINARY"), 0o600)
    except FileExistsError:
        raise SkipFile(f"{folder}: {_BUSY} (or one was stopped before it could remove {lock}: remove it if no "
                       "run is going)") from None
    except OSError:  # missing, a link, not a folder, read-only: what reads it next says so
        yield
        return
    try:
        os.write(fd, f"mailmigrate apply, process {os.getpid()}\n".encode())
    finally:
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)


def _is_folder(path: Path) -> bool:
    """A folder itself, not a link (nor a junction) to one."""
    result = os.lstat(path)
    return stat.S_ISDIR(result.st_mode) and not is_link(result)
