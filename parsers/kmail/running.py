"""Whether KMail or Akonadi is using a file now: they keep their settings in memory and write them back.

KMail 1.x: a ``kmail`` or ``kontact`` process of the file's owner (KDE 3 starts them through
kdeinit, whose processes are named ``kdeinit: kmail``), or the lock KMail writes at start,
``$KDEHOME/share/apps/kmail/lock`` (``pid``, ``hostname``: ``kmstartup.cpp lockOrDie``), naming a
live process of this host.  Akonadi: its control process, server, resources, or KMail/Kontact,
run by the owner with this configuration folder (``$XDG_CONFIG_HOME``; any, for KDE 4's
``share/config``, and where a process's environment cannot be read).  ``akonadictl status`` says
the same for the user who runs it; a run over other people's homes looks at ``/proc`` instead.
"""
from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Optional

from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.posix import may_be_running
from parsers.kmail.kconfig import KDE3
from parsers.kmail.kconfig import parse_kconfig
from migrate.processes import RunningPrograms
from migrate.processes import config_folder

_KMAIL = re.compile(rb"(kdeinit4?: )?(kmail|kontact)\b")
AKONADI = (b"akonadi_control", b"akonadiserver", b"akonadi_imap_resource", b"akonadi_pop3_resource", b"kmail",
           b"kontact")


def kmail1_running(path: Path, running: RunningPrograms) -> Optional[str]:
    pid = _lock_pid(path.parent.parent / "apps" / "kmail" / "lock")
    if pid is not None and may_be_running(pid) and _is_kmail(pid):
        return f"KMail is running (process {pid}, from its lock file): close it first"
    program = next((name for name in _programs(path, running) if _KMAIL.match(name)), None)
    return f"{program.decode(errors='replace')} is running: close KMail first" if program else None


def akonadi_running(path: Path, running: RunningPrograms) -> Optional[str]:
    folder = os.path.realpath(path.parent)
    xdg = path.parent.name == ".config"
    try:
        programs = running.of(os.lstat(path).st_uid)
    except OSError:
        return None
    for name in AKONADI:
        for pid in programs.get(name, ()):
            seen = config_folder(pid) if xdg else None
            if seen is None or os.path.realpath(seen) == folder:
                return (f"{name.decode()} is running: stop Akonadi first (akonadictl stop, after closing KMail and"
                        " Kontact)")
    return None


def _programs(path: Path, running: RunningPrograms) -> list[bytes]:
    try:
        return list(running.of(os.lstat(path).st_uid))
    except OSError:
        return []


def _lock_pid(lock: Path) -> Optional[int]:
    """The pid in KMail's lock file, when it was written on this host."""
    try:
        data = read_source(lock).data
    except (OSError, MigrateError):
        return None
    found = parse_kconfig(data, str(lock), KDE3)
    pid = found.get("<default>", "pid") or ""
    host = found.get("<default>", "hostname")
    return int(pid) if pid.isdigit() and host in (None, socket.gethostname()) else None


def _is_kmail(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return bool(_KMAIL.match(os.path.basename(cmdline.read().split(b"\0")[0])))
    except OSError:
        return True  # no /proc to tell by: a live process named in the lock counts
