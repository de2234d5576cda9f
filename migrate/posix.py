"""The POSIX facilities the tool uses beyond the portable ones, each optional, and what stands in for each
where the system lacks it (Windows' own Python: no ``fcntl``, ``pwd``, ``geteuid``, ``O_NOFOLLOW``, ``dir_fd``).

Each is looked up when it is used, not when a module is imported: importing
the tool never needs one, and a test can take one away.
"""
from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any
from typing import Optional


def optional_module(name: str) -> Optional[ModuleType]:
    """The module (``fcntl``, ``pwd``), or ``None`` where the system has none."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def flag(name: str) -> int:
    """An ``os.O_*`` open flag, or 0 where the system has none (``O_NOFOLLOW`` on Windows, ``O_BINARY`` elsewhere)."""
    return getattr(os, name, 0)


def user_name(uid: int) -> Optional[str]:
    """The login name of ``uid`` from the password database; ``None`` without one (or without the user)."""
    entry = _password_entry(uid)
    return entry.pw_name if entry else None


def user_home(uid: int) -> Optional[str]:
    entry = _password_entry(uid)
    return entry.pw_dir if entry else None


def _password_entry(uid: int) -> Optional[Any]:
    pwd = optional_module("pwd")
    try:
        return pwd.getpwuid(uid) if pwd else None
    except KeyError:
        return None


def effective_ids() -> tuple[int, int]:
    """This process's user and group; ``(-1, -1)``, which ``chown`` reads as "unchanged", where there are none."""
    if hasattr(os, "geteuid") and hasattr(os, "getegid"):
        return os.geteuid(), os.getegid()
    return -1, -1


def may_be_running(pid: int) -> bool:
    """Whether process ``pid`` may be running.  Where this cannot be asked, yes: on Windows
    ``os.kill(pid, 0)`` is not a question but a Ctrl+C (``CTRL_C_EVENT`` is 0)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True
