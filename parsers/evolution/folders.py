"""Folder names as Evolution writes them, and the plan's folder moves applied to them.

In URIs (``folder://uid/INBOX/Sent%20Items``, ``imap://user@host/INBOX/Sent``,
``email://uid/INBOX/Sent``) a name is ``%``-encoded with ``/`` between its
levels; in ``RealTrashPath``-like keys it is the plain full name.  Every place
that names a folder of an account is moved by the same ``folder`` changes, so
the plan lists each folder once and no reference is left behind.
"""
from __future__ import annotations

from typing import Mapping
from typing import Optional
from urllib.parse import quote
from urllib.parse import unquote



def moved_path(raw: str, moves: Mapping[str, str]) -> Optional[str]:
    """An encoded folder path after its move (levels that stay keep their spelling), or ``None``."""
    name = unquote(raw)
    new = moves.get(name)
    if new is None:
        return None
    levels, kept = raw.split("/"), new.split("/")
    if len(levels) == len(name.split("/")) and [unquote(level) for level in levels[-len(kept):]] == kept:
        return "/".join(levels[-len(kept):])
    return quote(new, safe="/ ")
