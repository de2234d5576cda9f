"""Registry hives, such as a roaming profile's ``NTUSER.DAT``: their values, a copy with some of them
changed, and whether the profile is in use.

A hive is handled as bytes, read and written by the core like any other file
(no link followed, written atomically, backed up).  hivex only ever sees a
private copy in a temporary folder, and commits its edited copy there too.

hivex runs in a process of its own (``hivex_worker``), under this Python when
it has hivex's binding, else under the system's ``/usr/bin/python3``, which
Debian's ``python3-hivex`` is built for: the tool usually runs in a virtual
environment that does not see the system's packages, and a binding built for
one Python cannot be loaded into another.  Apart, a C library reading files
people bring cannot take the run down with it, and a hive it chokes on ends in
a one-line error.
"""
from __future__ import annotations

import base64
import errno
import importlib.util
import json
import os
import stat
import struct
import subprocess
import sys
import tempfile
from functools import reduce
from pathlib import Path
from typing import NamedTuple
from typing import Optional
from typing import Sequence
from typing import Union

from migrate.errors import MigrateError
from migrate.folders import open_folder
from migrate.posix import flag
from migrate.posix import optional_module

WORKER = Path(__file__).with_name("hivex_worker.py")
SYSTEM_PYTHON = "/usr/bin/python3"
TIMEOUT = 300  #: seconds for hivex to read or edit one hive, however large or malformed
MAX_HIVE = 1 << 29  #: bytes; a user's hive holds settings only, tens of MB when it has grown for years
LOGS = (".LOG", ".LOG1", ".LOG2")  #: the transaction logs beside a hive (Windows XP: .LOG; Vista on: .LOG1, .LOG2)
_INSTALL = "; reading registry hives needs hivex's Python binding (Debian, Ubuntu: apt-get install python3-hivex)"


class HiveError(MigrateError):
    """A hive hivex cannot read or edit, or cannot be asked to."""


class HiveValue(NamedTuple):
    key: str  #: the key's path below the hive's root, names as the hive spells them, joined by backslashes
    name: str  #: ``""`` for the key's default value (``@`` in a .reg file)
    type: int  #: the registry's type number: REG_SZ 1, REG_EXPAND_SZ 2, REG_BINARY 3, REG_DWORD 4, ...
    data: bytes  #: as the hive holds it: REG_SZ in UTF-16LE with its NUL, REG_DWORD in 4 little-endian bytes


class Deletion(NamedTuple):
    key: str
    name: str


#: A value to set (added, or replaced where it stands) or to delete.
Edit = Union[HiveValue, Deletion]


def read_values(hive: bytes, path: str, under: Sequence[str] = ()) -> list[HiveValue]:
    """Every value of the keys at or below each of ``under`` (the whole hive when empty), a key's values
    in the hive's order, keys depth first.  Key names compare without case; a missing key has none."""
    with _private_folder() as folder:
        answer = _ask({"op": "read", "under": list(under)}, hive, path, Path(folder))
    return [HiveValue(key, name, kind, base64.b64decode(data)) for key, name, kind, data in answer["values"]]


def edited(hive: bytes, path: str, edits: Sequence[Edit]) -> bytes:
    """The hive with ``edits`` made, in the order given; every key edited must exist.

    A dirty hive is refused: hivex would commit it marked clean, and Windows
    would then drop the changes its transaction logs still hold.
    """
    reason = dirty(hive)
    if reason:
        raise HiveError(f"{path}: {reason}; left alone")
    with _private_folder() as folder:
        out = Path(folder, "edited")
        _ask({"op": "edit", "edits": [_request(edit) for edit in edits], "out": str(out)}, hive, path, Path(folder))
        return out.read_bytes()


def _request(edit: Edit) -> dict:
    if isinstance(edit, Deletion):
        return {"key": edit.key, "name": edit.name, "data": None}
    return {"key": edit.key, "name": edit.name, "type": edit.type, "data": base64.b64encode(edit.data).decode("ascii")}


def malformed(hive: bytes) -> Optional[str]:
    """Why these bytes cannot be a whole hive, or ``None``: hivex itself says little more than an errno."""
    if hive[:4] != b"regf":
        return "not a registry hive (it does not start with 'regf')"
    if len(hive) > MAX_HIVE:
        return f"{len(hive)} bytes, over the {MAX_HIVE >> 20} MiB a user's hive may be"
    if len(hive) < 4096:
        return f"truncated: {len(hive)} bytes, shorter than a hive's 4096-byte header"
    bins = struct.unpack_from("<I", hive, 40)[0]
    if 4096 + bins > len(hive):
        return f"truncated: its header says {4096 + bins} bytes, the file has {len(hive)}"
    return None


def dirty(hive: bytes) -> Optional[str]:
    """Why the hive's base block says Windows has not finished writing it, or ``None``: sequence numbers
    that differ, or a wrong checksum (Windows then replays the transaction logs over it)."""
    if len(hive) < 512 or hive[:4] != b"regf":
        return None  # not a hive: reading it says so
    first, second = struct.unpack_from("<II", hive, 4)
    if first != second:
        return (f"the hive is marked as being written (sequence numbers {first} and {second}), so its logs hold "
                "changes not yet in it: its profile is loaded, or was not unloaded cleanly")
    checksum = reduce(lambda a, b: a ^ b, struct.unpack_from("<127I", hive))
    windows = {0: 1, 0xFFFFFFFF: 0xFFFFFFFE}.get(checksum, checksum)  # Windows never writes 0 or ~0
    if struct.unpack_from("<I", hive, 508)[0] not in (checksum, windows):
        return "the hive's header checksum is wrong: Windows would rebuild the header from the logs"
    return None


def in_use(hive: Path) -> Optional[str]:
    """Why the Windows profile of ``hive`` looks in use, or ``None``.

    A profile is loaded on the computer a person logs on to, from a copy of
    the roaming one, which goes back to the server at logoff: nothing in the
    profile's folder says a session is open somewhere.  What can be seen is
    the hive held open on this machine (a Windows client copying it through
    Samba, which keeps its share modes to itself: a write lease is refused
    then; Linux only), its header marked as being written, or a transaction log
    written after it.
    """
    try:
        with open_folder(hive.parent) as folder:
            fd = folder.open(hive.name, os.O_RDONLY | flag("O_NONBLOCK") | flag("O_BINARY"))
    except (OSError, MigrateError):
        return None  # missing, a link, unreadable: reading it says so
    try:
        reason = _held_open(fd) or dirty(os.read(fd, 512)) or _later_log(hive, os.fstat(fd).st_mtime_ns)
    finally:
        os.close(fd)
    return f"the Windows profile looks in use: {reason}; left alone until its owner has logged off" if reason else None


def _held_open(fd: int) -> Optional[str]:
    fcntl = optional_module("fcntl")
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE"):
        return None
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)  # refused while any other descriptor of the file is open
    except OSError as error:  # EAGAIN: open elsewhere; EACCES, EINVAL: not the owner, a file system without leases
        return "another process has the hive open" if error.errno == errno.EAGAIN else None
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return None


def _later_log(hive: Path, written: int) -> Optional[str]:
    logs = {(hive.name + suffix).lower() for suffix in LOGS}
    try:
        with os.scandir(hive.parent) as entries:
            found = [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries if entry.name.lower() in logs]
    except OSError:
        return None
    later = [name for name, result in found
             if stat.S_ISREG(result.st_mode) and result.st_size and result.st_mtime_ns > written]
    return f"{later[0]} was written after the hive" if later else None


def _private_folder() -> tempfile.TemporaryDirectory:
    """Made readable by this user only (``mkdtemp``): the hive's copy holds the person's saved passwords."""
    return tempfile.TemporaryDirectory(prefix="mailmigrate-hive-")


def _ask(request: dict, hive: bytes, path: str, folder: Path) -> dict:
    """The worker's answer to ``request`` about ``hive``, handed over as a file in ``folder``."""
    copy = folder / "hive"
    copy.write_bytes(hive)
    try:
        done = subprocess.run([_python(), "-I", str(WORKER)], input=json.dumps({**request, "hive": str(copy)}),
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise HiveError(f"{path}: hivex took over {TIMEOUT} s on this hive; left alone") from None
    except OSError as error:
        raise HiveError(f"{path}: cannot start {_python()}: {error.strerror}{_INSTALL}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise HiveError(f"{path}: hivex failed: {last}" + (_INSTALL if "No module named 'hivex'" in last else ""))
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise HiveError(f"{path}: hivex's answer cannot be read: {done.stdout[:80]!r}") from None
    if "error" in answer:
        raise HiveError(f"{path}: {answer['error']}")
    return answer


def _python() -> str:
    """This Python when it has hivex's binding, else the system's."""
    return sys.executable if importlib.util.find_spec("hivex") is not None else SYSTEM_PYTHON
