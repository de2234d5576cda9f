"""Is Claws Mail or Sylpheed running on a configuration folder?  Both rewrite their files when they exit.

Each answers on a Unix socket (``claws_get_socket_name``, ``get_socket_name``
in their ``main.c``):

- Claws 4.x: ``$XDG_RUNTIME_DIR/claws-mail/<md5>``, where GLib falls back to
  ``~/.cache`` without that variable; 3.9.1 to 3.x: ``$TMPDIR/claws-mail-<uid>/<md5>``;
  older: ``$TMPDIR/claws-mail-<uid>`` is the socket.  ``<md5>`` is the hex MD5 of
  the folder's path as Claws saw it (``$HOME/.claws-mail``, or the
  ``--alternate-config-dir`` made absolute).
- Sylpheed: ``$TMPDIR/sylpheed-<uid>``, one per user whatever the folder.

A socket outlives a crash, so it counts only if it takes a connection; the
probe then sends an empty line, which neither program takes as a command (it
reads one line from every connection).  Where the variables of the user's
session differ, the sockets are elsewhere: a ``claws-mail`` or ``sylpheed``
process of the folder's owner is looked for as well, with the folder its
arguments and environment give it (one whose environment cannot be read counts).
``claws-mail --status`` is not used: with an instance that hangs or dies while
answering, it waits for ever.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import stat
from typing import Optional

from migrate.posix import user_home
from migrate.processes import RunningPrograms
from migrate.processes import arguments
from migrate.processes import environment
from parsers.claws.program import Program

_RUN = "/run/user"
_TMP = "/tmp"


class Instances:
    """Running Claws Mail and Sylpheed instances, by the sockets they answer on and the processes of the owner."""

    def __init__(self) -> None:
        self._running = RunningPrograms()

    def running(self, folder: str, program: Program) -> Optional[str]:
        """Why the folder must be left alone now, or ``None``."""
        try:
            uid = os.lstat(folder).st_uid
        except OSError:
            return None
        home = user_home(uid) or ""
        claws = program.claws
        sockets = _claws_sockets(folder, uid, home) if claws else [os.path.join(_TMP, f"sylpheed-{uid}")]
        if any(_answers(path) for path in sockets) or self._process_of(folder, uid, claws):
            command = f"claws-mail --alternate-config-dir {folder} --exit" if claws else "sylpheed --exit"
            where = " on this folder" if claws else ""  # Sylpheed's socket is one per user, whatever the folder
            return f"{program.name} is running{where}: quit it first ({command})"
        return None

    def _process_of(self, folder: str, uid: int, claws: bool) -> bool:
        name, option, default = (b"claws-mail", b"--alternate-config-dir", ".claws-mail") if claws else \
            (b"sylpheed", b"--configdir", ".sylpheed-2.0")
        real = os.path.realpath(folder)
        for pid in self._running.of(uid).get(name, ()):
            used = _folder_of(pid, option, default)
            if used is None or os.path.realpath(used) == real:
                return True
        return False


def _claws_sockets(folder: str, uid: int, home: str) -> list[str]:
    names = {os.path.abspath(folder), os.path.realpath(folder)}
    if home and os.path.basename(folder) == ".claws-mail":
        names.add(os.path.join(home, ".claws-mail"))
    digests = [hashlib.md5(os.fsencode(name), usedforsecurity=False).hexdigest() for name in names]
    places = [os.path.join(_RUN, str(uid), "claws-mail"), os.path.join(_TMP, f"claws-mail-{uid}")]
    places += [os.path.join(home, ".cache", "claws-mail")] if home else []
    found = []
    for place in places:
        found += [place] if _is_socket(place) else [os.path.join(place, digest) for digest in digests]
    return found


def _folder_of(pid: int, option: bytes, default: str) -> Optional[str]:
    """The configuration folder a running instance uses; ``None`` when that cannot be read."""
    argv = arguments(pid)
    given = next((argv[i + 1] for i in range(1, len(argv) - 1) if argv[i] == option), None) if argv else None
    if given is not None:
        try:
            return os.path.join(os.readlink(f"/proc/{pid}/cwd"), os.fsdecode(given))
        except OSError:
            return None
    variables = environment(pid)
    return os.path.join(os.fsdecode(variables[b"HOME"]), default) if variables and variables.get(b"HOME") else None


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def _answers(path: str) -> bool:
    if not _is_socket(path) or not hasattr(socket, "AF_UNIX"):
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(path)
        except OSError:  # a socket left by a crash
            return False
        with contextlib.suppress(OSError):
            probe.sendall(b"\n")
    return True
