"""Outlook Express 5/6 and Outlook 98/2000 internet-only accounts: one key a mail account.

Keys ``…\\Internet Account Manager\\Accounts\\0000000N`` (also under
``HKCU\\Identities\\{id}``) and ``…\\OMI Account Manager\\Accounts\\0000000N``,
with REG_SZ and DWORD values.  An account is IMAP when it has ``IMAP Server``,
else POP when it has ``POP3 Server`` (news and directory accounts have
neither).  ``… Secure Connection`` 1 is SSL on the port (for SMTP, STARTTLS
on any port but 465, as OE does since KB933612); ``… Use Sicily`` 1 is SPA;
``SMTP Use Sicily`` 2 logs in as the incoming server does, 3 with ``SMTP User Name``
(written 3 wherever an ``SMTP User Name`` stands, so the name never goes stale).

A POP account is converted in place: its mail is in the shared Local Folders,
not in the account, so nothing downloaded is lost, and every reference to the
key (``Default Mail Account``) stays good.
"""
from __future__ import annotations

import re
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import new_values
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

KEY = re.compile(r"\\(?:Internet|OMI) Account Manager\\Accounts\\[0-9]{8}$", re.IGNORECASE)
_NAMES = IncomingNames(ssl="Secure Connection", spa="Use Sicily", user="User Name")
#: POP values that are not named ``POP3 …``; they go when the account becomes IMAP.
_POP_ONLY = ("leave mail on server", "remove when deleted", "remove when expired", "expire days")
_SICILY_AUTH = {0: "none", 1: "ntlm", 2: "plain", 3: "plain"}


def incoming(values: Values) -> Optional[Endpoint]:
    return endpoints.incoming(values, _NAMES)


def outgoing(values: Values, reading: Endpoint) -> Optional[Endpoint]:
    host = text(values, "SMTP Server")
    if host is None:
        return None
    port = number(values, "SMTP Port") or 25
    secure = number(values, "SMTP Secure Connection") == 1
    sicily = number(values, "SMTP Use Sicily") or 0
    username = reading.username if sicily == 2 else text(values, "SMTP User Name") if sicily in (1, 3) else None
    return Endpoint(protocol="smtp", host=host, port=port, security=("ssl" if port == 465 else "starttls") if secure else "none",
                    auth=_SICILY_AUTH.get(sicily, "none"), username=username, has_password=bool(passwords(values, "SMTP")))


def edits(values: Values, reading: Endpoint, sending: Optional[Endpoint], changes: list[Change]) -> ValueEdits:
    """The value edits that make one account key what the changes ask (its endpoints as ``incoming``/``outgoing`` read them)."""
    found: ValueEdits = {}
    new_in = after(reading, changes, "incoming")
    if any(c.field.startswith("incoming.") for c in changes):
        converting = reading.protocol == "pop3" and new_in.protocol == "imap"
        if converting:
            found.update({name: None for name in values if name.lower().startswith("pop3 ") or name.lower() in _POP_ONLY})
        kind = "IMAP" if new_in.protocol == "imap" else "POP3"
        asked = set(new_values(changes, "incoming")) | ({"host", "port", "security", "auth", "username"} if converting else set())
        wanted = {f"{kind} Server": string_like(values, f"{kind} Server", str(new_in.host), False)}
        if new_in.username is not None:
            wanted[f"{kind} User Name"] = string_like(values, f"{kind} User Name", new_in.username, False)
        wanted.update({f"{kind} Port": dword(int(new_in.port or 0)),
                       f"{kind} Secure Connection": dword(1 if new_in.security == "ssl" else 0),
                       f"{kind} Use Sicily": dword(0)})
        fields = {f"{kind} Server": "host", f"{kind} Port": "port", f"{kind} Secure Connection": "security",
                  f"{kind} Use Sicily": "auth", f"{kind} User Name": "username"}
        wanted = {name: value for name, value in wanted.items() if fields[name] in asked}
        for name, value in wanted.items():
            set_if_different(found, values, name, value)
        if lookup(values, "IMAP Root Folder") is not None:
            found["IMAP Root Folder"] = None  # the service keeps folders at the top level
        drop_passwords(found, values, kind, changes, "incoming")
    if sending is not None and any(c.field.startswith("outgoing.") for c in changes):
        found.update(_smtp(values, sending, after(sending, changes, "outgoing"), new_in))
        drop_passwords(found, values, "SMTP", changes, "outgoing")
    return found


def _smtp(values: Values, old: Endpoint, new: Endpoint, reading: Endpoint) -> ValueEdits:
    found: ValueEdits = {}
    if new.host != old.host:
        set_if_different(found, values, "SMTP Server", string_like(values, "SMTP Server", str(new.host), False))
    if new.port != old.port:
        set_if_different(found, values, "SMTP Port", dword(int(new.port or 25)))
    if new.security != old.security:
        set_if_different(found, values, "SMTP Secure Connection", dword(0 if new.security == "none" else 1))
    if (new.auth, new.username) != (old.auth, old.username) and new.auth == "plain" and new.username is not None:
        if new.username == reading.username and lookup(values, "SMTP User Name") is None:
            set_if_different(found, values, "SMTP Use Sicily", dword(2))
        else:
            set_if_different(found, values, "SMTP Use Sicily", dword(3))
            set_if_different(found, values, "SMTP User Name", string_like(values, "SMTP User Name", new.username, False))
    return found


def notes(account: Account, values: Values, changes: list[Change]) -> list[Note]:
    """What people should know about an account these changes rewrite (in place)."""
    found = []
    if account.incoming.protocol == "pop3" and any(c.field == "incoming.protocol" for c in changes):
        found.append(Note(account.key, "windows", "the POP account becomes IMAP in place; the mail it downloaded stays"
                                                  " in Outlook Express's Local Folders"))
    if lookup(values, "IMAP Root Folder") is not None and any(c.field.startswith("incoming.") for c in changes):
        found.append(Note(account.key, "windows", "IMAP Root Folder removed: the service keeps folders at the top level"))
    return found
