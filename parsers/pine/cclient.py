"""c-client remote names: ``{host[:port][/switch...]}mailbox``, as Pine and Alpine write them.

Switch names are case-insensitive; a value is unquoted up to the next ``/``
or ``}``, or ``"quoted"``.  ``smtp-server`` entries are the same without braces.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

_SWITCH = re.compile(r'/([A-Za-z0-9_-]+)(?:=("(?:[^"\\]|\\.)*"|[^/}:]*))?')


@dataclasses.dataclass(frozen=True)
class Spec:
    lead: str  #: ``*`` for a news collection, else ``""``
    host: str
    port: Optional[int]
    switches: tuple[tuple[str, Optional[str]], ...]  #: (name as written, value as written)
    mailbox: str  #: after the ``}``
    braces: bool = True  #: ``False`` for an ``smtp-server`` entry

    def switch(self, *names: str) -> Optional[tuple[str, Optional[str]]]:
        return next((s for s in self.switches if s[0].lower() in names), None)

    @property
    def service(self) -> str:
        if not self.braces:
            return "smtp"
        service = self.switch("service")
        name = (service[1] or "").lower() if service else next(
            (s[0].lower() for s in self.switches if s[0].lower() in _SERVICES), "imap")
        return _SERVICES.get(name, name)

    @property
    def user(self) -> Optional[str]:
        found = self.switch("user")
        return _unquote(found[1]) if found and found[1] is not None else None

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        switches = "".join(f"/{name}" + (f"={value}" if value is not None else "") for name, value in self.switches)
        server = f"{self.host}{port}{switches}"
        return f"{self.lead}{{{server}}}{self.mailbox}" if self.braces else server + self.mailbox


_SERVICES = {"imap": "imap", "imap2": "imap", "imap2bis": "imap", "imap4": "imap", "imap4rev1": "imap",
             "pop3": "pop3", "pop": "pop3", "nntp": "nntp", "smtp": "smtp", "submit": "smtp"}


def parse_spec(text: str, braces: bool = True) -> Optional[Spec]:
    lead = "*" if braces and text.startswith("*") else ""
    rest = text[len(lead):]
    if braces:
        if not rest.startswith("{") or "}" not in rest:
            return None
        server, mailbox = rest[1:].split("}", 1)
    else:
        server, mailbox = rest, ""
    match = re.match(r"(\[[^\]]*\]|[^/:}\s]+)(?::(\d+))?", server)
    if match is None:
        return None
    switches_text = server[match.end():]
    switches, pos = [], 0
    while pos < len(switches_text):
        switch = _SWITCH.match(switches_text, pos)
        if switch is None:
            return None
        switches.append((switch.group(1), switch.group(2)))
        pos = switch.end()
    return Spec(lead, match.group(1), int(match.group(2)) if match.group(2) else None, tuple(switches), mailbox, braces)


def _unquote(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') and value.endswith('"') else value
