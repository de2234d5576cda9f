"""One ``apply`` at a time per home: an advisory lock on the home's folder itself.

``flock`` on the folder's descriptor writes nothing into the home, and the lock
goes with the process however it ends, SIGKILL included.  Where the file
system cannot lock a folder (NFS emulates flock with byte-range locks, which
a folder cannot take), or where the folder cannot be opened, the run goes on
unlocked: each write still refuses a file changed since it was read.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path
from typing import Iterator

from migrate.errors import SkipFile


@contextlib.contextmanager
def home_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for this process, or raise ``SkipFile`` saying that another run holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:  # missing, a link, not a folder: what reads it next says so
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise SkipFile(f"{folder}: another 'mailmigrate apply' is working on it; left alone, run again"
                               " once it is done") from None
        yield
    finally:
        os.close(fd)
