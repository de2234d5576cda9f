"""Is Mail running on the settings about to be rewritten?  As far as this machine can tell.

Mail rewrites its settings when it quits, so an edit made meanwhile is lost.  It
keeps no lock or pid file that says it is running (none is known in
``~/Library/Mail`` or ``~/Library/Preferences``), and it runs on the Mac, while
mailmigrate usually runs on the file server that holds the home, which sees only
its own processes.  What is checked: a process of the file's owner on this
machine whose program is Mail's (``…/Mail.app/Contents/MacOS/Mail``; a bare
``Mail`` is BSD mailx, on Linux and on the Mac alike).  On a Linux file server
that is never so: the plan asks to quit Mail on the Mac before ``apply``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from migrate.processes import RunningPrograms

PROGRAM = b"Mail.app/Contents/MacOS/Mail"


def mail_running(running: RunningPrograms, path: Path) -> Optional[str]:
    try:
        owner = os.lstat(path).st_uid
    except OSError:
        return None
    for pid in running.of(owner).get(b"Mail", ()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                program = cmdline.read().split(b"\0")[0]
        except OSError:  # gone since the scan
            continue
        if program.endswith(b"/" + PROGRAM) or program == PROGRAM:
            return f"Mail is running (process {pid}): quit it first, it writes its settings back when it quits"
    return None
