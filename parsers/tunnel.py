"""The server a tunnel command reaches (mbsync's ``Tunnel``, offlineimap's ``preauthtunnel``), read, never run."""
from __future__ import annotations

import re
from typing import Optional

#: A host name in a command (``ssh -q user@imap.example.org /usr/sbin/imapd``): a word with a dot, not a path.
_HOST = re.compile(r"(?:^|\s)(?:[^\s@/]+@)?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?=\s|$)")


def tunnel_host(command: str) -> Optional[str]:
    found = _HOST.search(command)
    return found.group(1) if found else None
