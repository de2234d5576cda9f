"""Eudora for Mac: ``Eudora Folder/Eudora Settings``, reported and never rewritten.

Eudora for Mac keeps every setting as resources in the file's resource fork
(``STR#`` preference strings, a ``PERS`` resource per alternate personality:
Thunderbird's Eudora importer, and the Mac source's ``schizo.c``), not in its
data fork, which a file server shows as the file itself.  Rewriting a
resource map in place is another tool's job; the personality settings take a
minute in Eudora (*Special › Settings › Getting Started*, *Personalities*).

Where a resource fork is kept when the folder is on a file server: an
AppleDouble file ``._Eudora Settings`` beside it (macOS writing to SMB, NFS or
FAT, Samba's ``vfs_fruit`` by default, netatalk 3), ``.AppleDouble/Eudora
Settings`` (netatalk 2), an extended attribute (Samba ``fruit:resource =
xattr``: ``org.netatalk.ResourceFork``, or ``com.apple.ResourceFork``), or,
on a Mac itself, ``Eudora Settings/..namedfork/rsrc``.
"""
from __future__ import annotations

import os
from pathlib import PurePath
from typing import Optional

from migrate.plugins import Read

NAME = "Eudora Settings"
_APPLEDOUBLE = b"\x00\x05\x16\x07"
_RESOURCE_FORK_ENTRY = 2
_ATTRIBUTES = ("org.netatalk.ResourceFork", "com.apple.ResourceFork", "user.org.netatalk.ResourceFork",
               "user.DosStream.AFP_Resource:$DATA")


def refusal(read: Read, path: str) -> str:
    """Why the file is left alone, and where its settings are."""
    fork = resource_fork(read, path)
    where = f"in its resource fork ({fork})" if fork else (
        "in its resource fork, which this copy of the file does not have (lost on the way to this file system)")
    return (f"{path}: Eudora for Mac keeps its settings {where}; not rewritten: change each personality of the"
            f" service in Eudora (Special > Settings, and Personalities)")


def resource_fork(read: Read, path: str) -> Optional[str]:
    """Where the file's resource fork is kept, in words; ``None`` when nowhere to be seen."""
    where = PurePath(path)
    for double in (where.with_name(f"._{where.name}"), where.parent / ".AppleDouble" / where.name):
        if _has_fork(read(str(double))):
            return f"AppleDouble file {double}"
    getxattr = getattr(os, "getxattr", None)
    for attribute in _ATTRIBUTES if getxattr is not None else ():
        try:
            if getxattr(path, attribute, follow_symlinks=False):
                return f"extended attribute {attribute}"
        except OSError:
            continue
    named = os.path.join(path, "..namedfork", "rsrc")
    try:
        if os.path.getsize(named) > 0:
            return named
    except OSError:
        pass
    return None


def _has_fork(data: Optional[bytes]) -> bool:
    """An AppleDouble file with a non-empty resource fork entry (big-endian: magic, version, filler, entries)."""
    if data is None or len(data) < 26 or not data.startswith(_APPLEDOUBLE):
        return False
    count = int.from_bytes(data[24:26], "big")
    for index in range(count):
        entry = data[26 + 12 * index: 38 + 12 * index]
        if len(entry) == 12 and int.from_bytes(entry[:4], "big") == _RESOURCE_FORK_ENTRY:
            return int.from_bytes(entry[8:], "big") > 0
    return False
