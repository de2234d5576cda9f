"""Where a server's own folder (its ``msgFilterRules.dat``) is inside the profile.

Thunderbird reads ``directory-rel`` (``[ProfD]ImapMail/imap.host``) first and
the absolute ``directory`` only when that is missing.  Mozilla Suite,
SeaMonkey 1.x and Thunderbird up to 2 wrote only ``directory``, often a
Windows path (``C:\\Documents and Settings\\x\\...\\ab12cd34.slt\\ImapMail\\imap.host``)
in profiles that now sit on a file server: such a path names the profile's
folder by its tail after the profile folder, which is what is kept here.

A server with neither gets a new folder when Thunderbird first needs one
(``<root>/<host name>``, made unique with ``-1``, ``-2`` when that exists), so
no folder that is already there is its own: there is nothing to read.
A store outside the profile is never ours to touch.
"""
from __future__ import annotations

import re
from typing import Optional

from parsers.thunderbird.profile import Profile

#: The folders Mozilla keeps servers' stores in, by their spelling on disk.
STORE_ROOTS = ("ImapMail", "Mail", "News")
_RELATIVE = re.compile(r"\[([^\]]*)\](.*)", re.S)
_SEPARATORS = re.compile(r"[\\/]+")
_DRIVE = re.compile(r"[A-Za-z]:$")


def server_folder(profile: Profile, server: str, profile_name: str) -> list[tuple[str, ...]]:
    """The profile-relative paths the server's folder may have, most likely first; empty when none is ours.

    Several only for an absolute path: as written, then with the store root
    spelt as on disk (Windows does not care about case, so a hand-edited
    ``imapmail`` reached the same folder).
    """
    relative = profile.value(f"mail.server.{server}.directory-rel")
    found = _RELATIVE.fullmatch(relative) if isinstance(relative, str) else None
    if found is not None:  # Thunderbird takes it and never looks at directory
        parts = tuple(found.group(2).split("/"))
        return [parts] if found.group(1) == "ProfD" and _inside(parts) else []
    absolute = profile.value(f"mail.server.{server}.directory")
    if not isinstance(absolute, str):
        return []
    tail = profile_tail(absolute, profile_name)
    if tail is None:
        return []
    spelt = next((root for root in STORE_ROOTS if root.lower() == tail[0].lower()), tail[0])
    return [tail] if spelt == tail[0] else [tail, (spelt, *tail[1:])]


def profile_tail(path: str, profile_name: str) -> Optional[tuple[str, ...]]:
    """The part of an absolute path (Windows or Unix, any case) below the profile folder.

    After the profile folder's own name when the path has it, else from the
    last store root (``ImapMail``, ``Mail``, ``News``) that has a folder below it.
    """
    parts = [part for part in _SEPARATORS.split(path) if part and not _DRIVE.match(part)]
    lowered = [part.lower() for part in parts]
    if profile_name.lower() in lowered:
        start = len(lowered) - lowered[::-1].index(profile_name.lower())
    else:
        roots = {root.lower() for root in STORE_ROOTS}
        start = next((n for n in range(len(parts) - 2, -1, -1) if lowered[n] in roots), len(parts))
    tail = tuple(parts[start:])
    return tail if tail and _inside(tail) else None


def _inside(parts: tuple[str, ...]) -> bool:
    return all(part not in ("", ".", "..") for part in parts)
