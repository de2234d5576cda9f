"""Is Eudora using this data folder?  Its ``OWNER.LOK`` (Eudora for Windows 7.1 ``eudora.cpp``:
``IsEudoraRunning``, ``RegisterOwnership``, ``OwnershipCleanup``).

Eudora opens ``OWNER.LOK`` in its data folder when it starts (setting
``OwnerLok``, on by default), writes the handle of its main window (4 bytes,
little-endian) and whether it runs from a network folder (4 more), and deletes
the file when it quits.  A crash leaves the file behind; a later Eudora asks
Windows whether that handle is still an Eudora window and, if not, takes the
folder over.  A file server cannot ask Windows, so a lock naming a window
means: in use by a PC, or left by a crash.  A lock naming no window (empty, or
a handle of 0, as a start without a window leaves it) Eudora ignores, and so
does this.
"""
from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Optional

from migrate.posix import flag

LOCK = "owner.lok"
_REMOTE = 1  #: eudora.h ``REMOTE_INSTANCE``


def in_use(ini: Path) -> Optional[str]:
    """Why the data folder of ``ini`` must be left alone now, or ``None``."""
    try:
        names = [entry for entry in os.scandir(ini.parent) if entry.name.lower() == LOCK]
    except OSError:
        return None
    for entry in names:
        owner = _owner(entry)
        if owner is None:
            continue
        handle, remote, written = owner
        where = " from a network folder" if remote else ""
        return (f"Eudora is using this folder{where}, or crashed: {entry.name} names its window {handle:#x}"
                f" (written {written:%Y-%m-%d %H:%M}); quit Eudora and run again, or, if no Eudora uses the folder,"
                f" delete {entry.path}")
    return None


def _owner(entry: os.DirEntry) -> Optional[tuple[int, bool, datetime.datetime]]:
    """The window handle the lock names, whether that Eudora runs from a network folder, and when it was written."""
    try:
        if not entry.is_file(follow_symlinks=False):
            return None
        fd = os.open(entry.path, os.O_RDONLY | flag("O_NOFOLLOW") | flag("O_NONBLOCK") | flag("O_BINARY"))
        try:
            data = os.read(fd, 8)
            written = datetime.datetime.fromtimestamp(os.fstat(fd).st_mtime)
        finally:
            os.close(fd)
    except OSError:
        return None
    handle = int.from_bytes(data[:4], "little") if len(data) >= 4 else 0
    if not handle:
        return None
    return handle, len(data) == 8 and int.from_bytes(data[4:], "little") == _REMOTE, written
