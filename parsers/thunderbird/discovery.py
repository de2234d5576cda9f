"""Where profiles are: ``profiles.ini`` of every Mozilla mail product, on any OS.

A ``Path=`` is relative to the folder of ``profiles.ini`` when ``IsRelative=1``
(always with ``/``), else an absolute native path.  A Windows path copied to a
Unix file server (``C:\\Users\\x\\AppData\\Roaming\\Thunderbird\\Profiles\\y``)
is found again by its tail after the product's folder.
"""
from __future__ import annotations

import configparser
from pathlib import Path
from pathlib import PureWindowsPath
from typing import Iterator

def profiles(ini: Path, text: str) -> Iterator[Path]:
    """The profile folders a ``profiles.ini`` lists, in its own order."""
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    number = 0
    while parser.has_section(f"Profile{number}"):
        section = parser[f"Profile{number}"]
        path = section.get("Path", "")
        if path:
            yield _resolve(ini.parent, path, section.get("IsRelative", "1") == "1")
        number += 1


def _resolve(root: Path, path: str, relative: bool) -> Path:
    if relative:
        return root.joinpath(*path.replace("\\", "/").split("/"))
    if path.startswith("/"):
        return Path(path)
    windows = PureWindowsPath(path)
    parts = [p.lower() for p in windows.parts]
    tail = windows.parts[parts.index("profiles"):] if "profiles" in parts else windows.parts[-1:]
    return root.joinpath(*tail)
