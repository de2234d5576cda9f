"""Take away what Windows' own Python lacks, on Linux: the modules, the open flags, ``dir_fd``, owners by number.

Used in the tests through pytest's ``monkeypatch``, and as a program that runs
the command line so, the modules blocked before anything imports them::

    python -m tests.without_posix plan samples/
"""
from __future__ import annotations

import os
import sys

import pytest

MODULES = ("fcntl", "pwd", "grp")
OS_NAMES = ("O_NOFOLLOW", "O_DIRECTORY", "O_NOCTTY", "O_NONBLOCK",
            "geteuid", "getegid", "getuid", "getgid", "fchown", "fchmod")


def take_away(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in MODULES:
        monkeypatch.setitem(sys.modules, name, None)  # import fails, as for a module that does not exist
    for name in OS_NAMES:
        monkeypatch.delattr(os, name)
    monkeypatch.setattr(os, "supports_dir_fd", set())
    monkeypatch.setattr(os, "supports_fd", os.supports_fd - {os.chmod, os.chown})
    monkeypatch.setattr(os, "supports_follow_symlinks", {os.stat})


if __name__ == "__main__":
    assert not any(name.startswith(("migrate", "parsers")) for name in sys.modules), "the tool was imported first"
    take_away(pytest.MonkeyPatch())
    from migrate.cli import main

    raise SystemExit(main(sys.argv[1:]))
