"""Outlook 2002/2003/2007 accounts in a MAPI profile: one key a mail account.

Keys ``…\\Windows Messaging Subsystem\\Profiles\\<profile>\\9375CFF0413111d3B88A00104B2A6676\\0000000N``.
Strings are REG_BINARY UTF-16LE with a trailing NUL (some installs REG_SZ;
either is kept as it is), numbers DWORD.  ``… Use SSL`` 1 is SSL on the port;
for SMTP, ``SMTP Secure Connection`` (Outlook 2007: 0 none, 1 SSL, 2 TLS,
3 auto) wins over the older ``SMTP Use SSL`` (1: SSL on 465, else STARTTLS);
both are written when present, so they never disagree.  ``SMTP Use Auth`` 1
logs in: ``SMTP Auth Method`` 0 as the incoming server, 1 as ``SMTP User``,
2 by reading mail first.

An IMAP account is migrated in place.  A POP account cannot become IMAP here
(another account class, bound to its personal folders file): only its
outgoing server is migrated, and the parser writes a PRF that adds the IMAP account.
"""
from __future__ import annotations

import re
from typing import Optional

from migrate.model import Change
from migrate.model import Endpoint
from parsers.windows import endpoints
from parsers.windows.endpoints import IncomingNames
from parsers.windows.endpoints import after
from parsers.windows.endpoints import drop_passwords
from parsers.windows.endpoints import passwords
from parsers.windows.values import ValueEdits
from parsers.windows.values import Values
from parsers.windows.values import dword
from parsers.windows.values import lookup
from parsers.windows.values import number
from parsers.windows.values import set_if_different
from parsers.windows.values import string_like
from parsers.windows.values import text

KEY = re.compile(r"\\Windows Messaging Subsystem\\Profiles\\([^\\]+)\\9375CFF0413111d3B88A00104B2A6676\\[0-9a-f]{8}$",
                 re.IGNORECASE)
_NAMES = IncomingNames(ssl="Use SSL", spa="Use SPA", user="User")
_SECURE_CONNECTION = {0: "none", 1: "ssl", 2: "starttls", 3: "auto"}


def incoming(values: Values) -> Optional[Endpoint]:
    return endpoints.incoming(values, _NAMES)


def outgoing(values: Values, reading: Endpoint) -> Optional[Endpoint]:
    host = text(values, "SMTP Server")
    if host is None:
        return None
    port = number(values, "SMTP Port") or 25
    connection = number(values, "SMTP Secure Connection")
    if connection is not None:
        security = _SECURE_CONNECTION.get(connection, "none")
    else:
        security = ("ssl" if port == 465 else "starttls") if number(values, "SMTP Use SSL") == 1 else "none"
    method = number(values, "SMTP Auth Method") or 0
    if number(values, "SMTP Use Auth") != 1:
        auth, username = "none", None
    elif number(values, "SMTP Use SPA") == 1:
        auth, username = "ntlm", text(values, "SMTP User") if method == 1 else reading.username
    else:
        auth = "plain" if method in (0, 1) else "pop-before-smtp"
        username = text(values, "SMTP User") if method == 1 else reading.username
    return Endpoint(protocol="smtp", host=host, port=port, security=security, auth=auth, username=username,
                    has_password=bool(passwords(values, "SMTP")))


def edits(values: Values, reading: Endpoint, sending: Optional[Endpoint], changes: list[Change]) -> ValueEdits:
    """The value edits for one account key; a POP account's incoming side stays (see ``parsers.windows.prf``)."""
    found: ValueEdits = {}
    incoming_changed = any(c.field.startswith("incoming.") for c in changes)
    new_in = after(reading, changes, "incoming") if reading.protocol == "imap" else reading
    if incoming_changed and reading.protocol == "imap":
        if new_in.host != reading.host:
            set_if_different(found, values, "IMAP Server", string_like(values, "IMAP Server", str(new_in.host), True))
        if new_in.username is not None and new_in.username != reading.username:
            set_if_different(found, values, "IMAP User", string_like(values, "IMAP User", new_in.username, True))
        if new_in.port != reading.port:
            set_if_different(found, values, "IMAP Port", dword(int(new_in.port or 143)))
        if new_in.security != reading.security:
            set_if_different(found, values, "IMAP Use SSL", dword(1 if new_in.security == "ssl" else 0))
        if new_in.auth != reading.auth:
            set_if_different(found, values, "IMAP Use SPA", dword(0))
    drop_passwords(found, values, reading.protocol or "", changes, "incoming")
    if sending is not None and any(c.field.startswith("outgoing.") for c in changes):
        found.update(_smtp(values, sending, after(sending, changes, "outgoing"), new_in))
        drop_passwords(found, values, "SMTP", changes, "outgoing")
    return found


def _smtp(values: Values, old: Endpoint, new: Endpoint, reading: Endpoint) -> ValueEdits:
    found: ValueEdits = {}
    if new.host != old.host:
        set_if_different(found, values, "SMTP Server", string_like(values, "SMTP Server", str(new.host), True))
    if new.port != old.port:
        set_if_different(found, values, "SMTP Port", dword(int(new.port or 25)))
    if (new.security, new.port) != (old.security, old.port):
        newer, older = lookup(values, "SMTP Secure Connection"), lookup(values, "SMTP Use SSL")
        if newer is not None or older is None:
            set_if_different(found, values, "SMTP Secure Connection", dword({"ssl": 1, "starttls": 2}.get(str(new.security), 0)))
        if older is not None or newer is None:
            set_if_different(found, values, "SMTP Use SSL", dword(0 if new.security == "none" else 1))
    if (new.auth, new.username) != (old.auth, old.username) and new.auth == "plain" and new.username is not None:
        set_if_different(found, values, "SMTP Use Auth", dword(1))
        if lookup(values, "SMTP Use SPA") is not None:
            set_if_different(found, values, "SMTP Use SPA", dword(0))
        if new.username == reading.username and number(values, "SMTP Auth Method") != 1:
            set_if_different(found, values, "SMTP Auth Method", dword(0))
        else:
            set_if_different(found, values, "SMTP Auth Method", dword(1))
            set_if_different(found, values, "SMTP User", string_like(values, "SMTP User", new.username, True))
    return found
