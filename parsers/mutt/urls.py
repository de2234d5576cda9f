"""mutt's URLs: ``imap[s]://[user[:pass]@]host[:port][/mailbox]`` (also pop, smtp).

The user part ends at the *last* ``@`` before the host, so ``ccano@lboro.ac.uk@host``
is the user ``ccano@lboro.ac.uk``: mutt writes it so (raw ``@``), and mutt and
NeoMutt both read it so.  Only ``/``, ``:`` and ``%`` are escaped in a user.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional
from urllib.parse import unquote

_URL = re.compile(r"(?i)(imaps?|pops?|smtps?)://([^/]*)(?:/(.*))?\Z", re.S)
DEFAULT_PORTS = {"imap": 143, "imaps": 993, "pop": 110, "pops": 995, "smtp": 25, "smtps": 465}


@dataclasses.dataclass(frozen=True)
class Url:
    scheme: str  #: lower case
    user: Optional[str]  #: decoded
    password: Optional[str]  #: as written
    host: str
    port: Optional[int]  #: only when written
    path: Optional[str]  #: after the ``/`` that follows the host; ``None`` without one

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.scheme]

    def __str__(self) -> str:
        user = ""
        if self.user is not None:
            user = re.sub(r"[%/:]", lambda m: f"%{ord(m.group()):02X}", self.user)
            user += f":{self.password}" if self.password is not None else ""
            user += "@"
        port = f":{self.port}" if self.port is not None else ""
        path = f"/{self.path}" if self.path is not None else ""
        return f"{self.scheme}://{user}{self.host}{port}{path}"


def parse_url(text: str) -> Optional[Url]:
    match = _URL.match(text)
    if match is None:
        return None
    userinfo, _, hostport = match.group(2).rpartition("@")
    host, _, port = hostport.partition(":")
    if not host or (port and not port.isdigit()):
        return None
    user, colon, password = userinfo.partition(":")
    return Url(match.group(1).lower(), unquote(user) if userinfo else None, password if colon else None,
               host, int(port) if port else None, match.group(3))
