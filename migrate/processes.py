"""Which programs each user is running, from ``/proc``: one scan serves every setup looked at soon after.

Parsers of desktop clients ask it whether the client of a setup runs as the owner of
its files (Evolution, KMail, Claws Mail and Sylpheed, Mulberry, Apple Mail), and what a running
one took as its folders.

A scan reads every process (``/proc`` holds hundreds, a shared server
thousands), so scanning for each setup cost a run over many homes more than
parsing them.  A scan is reused for ``MAX_AGE`` seconds: a client started
after it is seen at most that much later.  The check was never atomic with
the write that follows it (a client can start in between); a second more
is small beside the minutes or hours a run over all homes takes, and no
long run works from a stale view.
"""
from __future__ import annotations

import math
import os
import time
from typing import Optional

MAX_AGE = 1.0  #: seconds a scan answers for


Programs = dict[bytes, tuple[int, ...]]  #: program name -> the ids of its processes


class RunningPrograms:
    """The programs running (the base name of ``argv[0]``) by user id, from a scan at most ``max_age`` seconds old."""

    def __init__(self, max_age: float = MAX_AGE) -> None:
        self.max_age = max_age
        self._scanned = -math.inf
        self._by_user: dict[int, Programs] = {}

    def of(self, uid: int) -> Programs:
        now = time.monotonic()
        if now - self._scanned > self.max_age:  # its age counts from the start of the scan
            self._by_user, self._scanned = _scan(), now
        return self._by_user.get(uid, {})


def config_folder(pid: int) -> Optional[str]:
    """The folder a process takes as the user's configuration folder (GLib's and Qt's: ``$XDG_CONFIG_HOME``, else
    ``$HOME/.config``); ``None`` when its environment cannot be read."""
    variables = environment(pid)
    if variables is None:
        return None
    folder = variables.get(b"XDG_CONFIG_HOME") or (variables.get(b"HOME", b"") + b"/.config")
    return os.fsdecode(folder)


def environment(pid: int) -> Optional[dict[bytes, bytes]]:
    """A process's environment; ``None`` when it cannot be read (another user's, or gone)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            return dict(item.partition(b"=")[::2] for item in environ.read().split(b"\0") if item)
    except OSError:
        return None


def arguments(pid: int) -> Optional[list[bytes]]:
    """A process's command line, split into its arguments; ``None`` when it cannot be read."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().split(b"\0")[:-1]
    except OSError:
        return None


def _scan() -> dict[int, Programs]:
    found: dict[int, dict[bytes, list[int]]] = {}
    try:
        processes = os.scandir("/proc")
    except OSError:  # no /proc (Windows, macOS): no program is seen running
        return {}
    with processes:
        for process in processes:
            if not process.name.isdigit():
                continue
            try:
                uid = process.stat(follow_symlinks=False).st_uid
                with open(f"/proc/{process.name}/cmdline", "rb") as cmdline:
                    program = os.path.basename(cmdline.read().split(b"\0")[0])
            except OSError:  # gone since it was listed
                continue
            found.setdefault(uid, {}).setdefault(program, []).append(int(process.name))
    return {uid: {program: tuple(pids) for program, pids in programs.items()} for uid, programs in found.items()}
