"""Camel URLs (Evolution 2.x – 3.4): ``proto://USER[;auth=MECH][:PASS]@HOST[:PORT]/[PATH][;param[=value]]...``.

The first ``@`` ends the user, so a user's own ``@`` is written ``%40``;
a parameter with no value is a checked box.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional
from urllib.parse import unquote

_URL = re.compile(r"([a-z][a-z0-9+.-]*)://([^/#]*)(/[^;?#]*)?((?:;[^?#]*)?)(\?[^#]*)?(#.*)?\Z", re.I | re.S)


@dataclasses.dataclass(frozen=True)
class CamelUrl:
    scheme: str
    user: Optional[str]  #: decoded
    auth: Optional[str]
    password: Optional[str]  #: as written
    host: str
    port: Optional[int]
    path: str  #: as written, with its leading ``/``
    params: tuple[tuple[str, Optional[str]], ...]  #: as written; ``None``: a name with no ``=``
    tail: str = ""  #: ``?query#fragment`` as written

    def param(self, name: str) -> Optional[tuple[str, Optional[str]]]:
        return next((p for p in self.params if p[0] == name), None)

    def __str__(self) -> str:
        user = ""
        if self.user is not None:
            user = re.sub(r"[%:;@/ ]", lambda m: f"%{ord(m.group()):02x}", self.user)
            user += f";auth={self.auth}" if self.auth else ""
            user += f":{self.password}" if self.password is not None else ""
            user += "@"
        port = f":{self.port}" if self.port is not None else ""
        params = "".join(f";{name}" + (f"={value}" if value is not None else "") for name, value in self.params)
        path = self.path or ("/" if params or self.tail else "")
        return f"{self.scheme}://{user}{self.host}{port}{path}{params}{self.tail}"


def parse_camel(text: str) -> Optional[CamelUrl]:
    match = _URL.match(text)
    if match is None:
        return None
    authority = match.group(2)
    userinfo, at, hostport = authority.partition("@")
    if not at:
        userinfo, hostport = "", authority
    host, _, port = hostport.partition(":")
    if port and not port.isdigit():
        return None
    user_auth, _, password = userinfo.partition(":")
    user, _, auth = user_auth.partition(";auth=")
    params = tuple((name, value if sep else None) for name, sep, value in
                   (item.partition("=") for item in match.group(4).split(";")[1:]))
    return CamelUrl(match.group(1), unquote(user) if at else None, auth or None,
                    password if at and ":" in userinfo else None, host, int(port) if port else None,
                    match.group(3) or "", params, (match.group(5) or "") + (match.group(6) or ""))
