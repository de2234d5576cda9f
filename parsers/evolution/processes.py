"""Where a running Evolution process takes the user's configuration from (its environment, in ``/proc``)."""
from __future__ import annotations

import os
from typing import Optional


def config_folder(pid: int) -> Optional[str]:
    """The folder a process takes as the user's configuration folder (GLib's: ``$XDG_CONFIG_HOME``, else
    ``$HOME/.config``); ``None`` when its environment cannot be read."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            variables = dict(item.partition(b"=")[::2] for item in environ.read().split(b"\0") if item)
    except OSError:
        return None
    folder = variables.get(b"XDG_CONFIG_HOME") or (variables.get(b"HOME", b"") + b"/.config")
    return os.fsdecode(folder)
