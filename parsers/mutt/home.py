"""Which home ``~`` and ``$HOME`` name in a setup, and which folders its ``source``s may be read from.

mutt takes ``~`` from ``$HOME`` of the person who runs it, wherever the muttrc
is (``mutt -F ~/work/muttrc`` still reads ``~/.mutt/...`` from the home).  So:

- in a batch run over homes (the reader is confined to a ``root``), the home
  being processed, and nothing outside it is ever read;
- a muttrc at one of the places mutt and NeoMutt look (``~/.muttrc``,
  ``~/.mutt/muttrc``, ``~/.config/mutt/muttrc``, ...) names its home by where
  it is;
- any other muttrc belongs to the person who runs mutt with it: its owner's
  home (from the password database) or ``$HOME``, whichever holds the file;
  failing both, the owner's home, then ``$HOME``.

Outside a batch run, ``source`` is followed inside the home and inside the
folder of the main muttrc; a system file (``/etc/...``) is never read, so it is
never rewritten.
"""
from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import NamedTuple
from typing import Optional

from migrate.plugins import Read
from migrate.plugins import reader_root
from migrate.posix import user_home

_DOT_FILES = (".muttrc", ".neomuttrc")
_DOT_FOLDERS = (".mutt", ".neomutt")
_XDG_FOLDERS = ("mutt", "neomutt")


class Home(NamedTuple):
    path: str  #: what ``~`` and ``$HOME`` stand for
    within: tuple[str, ...]  #: folders a sourced file may be read from


def standard_home(main: str) -> Optional[str]:
    """The home of a muttrc at a place mutt or NeoMutt read by themselves, else ``None``."""
    path = PurePosixPath(main)
    if path.name in _DOT_FILES or path.name.startswith(".muttrc-"):
        return str(path.parent)
    if path.parent.name in _DOT_FOLDERS:
        return str(path.parent.parent)
    if path.parent.name in _XDG_FOLDERS and path.parent.parent.name == ".config":
        return str(path.parent.parent.parent)
    return None


def find_home(read: Read, main: str) -> Home:
    root = reader_root(read)
    if root is not None:
        return Home(str(root), (str(root),))
    home = standard_home(main) or _home_of_user(main)
    return Home(home, (home, os.path.dirname(main)))


def _home_of_user(main: str) -> str:
    owner = _owner_home(main)
    candidates = [home for home in (owner, os.environ.get("HOME")) if home]
    for home in candidates:
        if is_inside(main, home):
            return home
    return candidates[0] if candidates else os.path.dirname(main)


def _owner_home(main: str) -> Optional[str]:
    try:
        return user_home(os.lstat(main).st_uid)
    except OSError:
        return None


def is_inside(path: str, folder: str) -> bool:
    folder = os.path.abspath(folder)
    return os.path.abspath(path).startswith(folder.rstrip("/") + "/")
