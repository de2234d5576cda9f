"""Folder URIs: ``imap://user%40domain@host/Path/To Folder``.

A server's root is ``<scheme>://<escaped user>@<host>``; what follows is the
folder path, kept byte for byte by every rewrite except for a leading
``INBOX/`` segment, which goes when folders move to the top level.
"""
from __future__ import annotations

import string
from typing import NamedTuple
from typing import Optional
from urllib.parse import unquote

from migrate.document import encode

_USER_SAFE = frozenset(string.ascii_letters + string.digits + "*-._")


def escape_user(user: str) -> str:
    """The user part as Thunderbird's IMAP code escapes it (``@`` -> ``%40``)."""
    return "".join(c if c in _USER_SAFE else "".join(f"%{b:02X}" for b in encode(c)) for c in user)


def root(scheme: str, user: str, host: str) -> str:
    return f"{scheme}://{escape_user(user)}@{host}"


class FolderUri(NamedTuple):
    scheme: str
    user: str  #: decoded
    host: str  #: lower case
    path: str  #: raw, after the ``/`` that follows the host; ``""`` for the server itself


def split(uri: str) -> Optional[FolderUri]:
    scheme, sep, rest = uri.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return None
    authority, _, path = rest.partition("/")
    user, _, host = authority.rpartition("@")
    return FolderUri(scheme, unquote(user), host.lower(), path)


def top_level_path(path: str) -> str:
    """``INBOX/Sent`` -> ``Sent``; ``INBOX`` itself stays."""
    head, sep, rest = path.partition("/")
    return rest if sep and head.upper() == "INBOX" and rest else path
