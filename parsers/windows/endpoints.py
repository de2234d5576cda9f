"""What both account stores share: reading an incoming server, what an endpoint becomes once the rules'
changes are made, and the saved-password values."""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import new_values
from parsers.windows.values import ValueEdits
from parsers.windows.values import Values
from parsers.windows.values import is_password
from parsers.windows.values import number
from parsers.windows.values import text

_FIELDS = ("protocol", "host", "port", "security", "auth", "username")
_DEFAULT_PORTS = {("IMAP", False): 143, ("IMAP", True): 993, ("POP3", False): 110, ("POP3", True): 995}


@dataclasses.dataclass(frozen=True)
class IncomingNames:
    """How a store spells an incoming server's values after ``IMAP ``/``POP3 ``."""

    ssl: str  #: a DWORD, 1 for SSL
    spa: str  #: a DWORD, 1 for SPA (NTLM)
    user: str


def server_kind(values: Values) -> Optional[str]:
    """``IMAP`` or ``POP3``, by which server value the account has (IMAP first, as the programs look)."""
    return "IMAP" if text(values, "IMAP Server") is not None else "POP3" if text(values, "POP3 Server") is not None else None


def incoming(values: Values, names: IncomingNames) -> Optional[Endpoint]:
    kind = server_kind(values)
    if kind is None:
        return None
    ssl = number(values, f"{kind} {names.ssl}") == 1
    return Endpoint(
        protocol=kind.lower(), host=text(values, f"{kind} Server"),
        port=number(values, f"{kind} Port") or _DEFAULT_PORTS[kind, ssl], security="ssl" if ssl else "none",
        auth="ntlm" if number(values, f"{kind} {names.spa}") == 1 else "plain",
        username=text(values, f"{kind} {names.user}"), has_password=bool(passwords(values, kind)),
    )


def after(endpoint: Endpoint, changes: list[Change], side: str) -> Endpoint:
    new = new_values(changes, side)
    fields = {name: new[name] for name in _FIELDS if name in new}
    if "password" in new:
        fields["has_password"] = False
    return dataclasses.replace(endpoint, **fields)  # type: ignore[arg-type]


def passwords(values: Values, prefix: str) -> list[str]:
    """The saved-password values of one server (``prefix``: ``IMAP``, ``POP3``, ``SMTP``)."""
    return [name for name in values if is_password(name) and name.lower().startswith(prefix.lower())]


def drop_passwords(edits: ValueEdits, values: Values, prefix: str, changes: list[Change], side: str) -> None:
    if "password" in new_values(changes, side):
        edits.update({name: None for name in passwords(values, prefix)})
