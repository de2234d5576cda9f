"""Where KDE keeps things, told from where a configuration file is.

KDE 3 and 4 keep configuration in ``$KDEHOME/share/config`` (``~/.kde``, ``~/.kde3``,
``~/.kde4``, Trinity's ``~/.trinity``) and data in ``$KDEHOME/share/apps``; KDE Frameworks
in ``$XDG_CONFIG_HOME`` (``~/.config``) and ``$XDG_DATA_HOME`` (``~/.local/share``).
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Optional

KDE_HOMES = (".kde", ".kde3", ".kde4", ".trinity")


def home_of(path: str) -> Optional[PurePath]:
    """The home folder of a configuration file in one of the usual places, else ``None``."""
    folder = PurePath(path).parent
    if folder.parts[-2:] == ("share", "config") and folder.parent.parent.name in KDE_HOMES:
        return folder.parent.parent.parent
    if folder.name == ".config":
        return folder.parent
    return None


def environment(path: str) -> dict[str, str]:
    """The variables a ``[$e]`` value of this file may use that are known from where it is: ``HOME``."""
    home = home_of(path)
    return {"HOME": str(home)} if home is not None else {}


def data_folder(path: str) -> Optional[PurePath]:
    """The data folder of the KDE that reads this configuration file: ``$KDEHOME/share/apps`` beside a
    ``share/config``, ``~/.local/share`` beside ``~/.config``; ``None`` when it cannot be told."""
    folder = PurePath(path).parent
    if folder.parts[-2:] == ("share", "config"):
        return folder.parent / "apps"
    if folder.name == ".config":
        return folder.parent / ".local" / "share"
    return None
