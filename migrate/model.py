"""The format-neutral view of a mail account, and what rules say about it.

Parsers build ``Account`` values from their documents; rules read them and
answer with ``Change`` and ``Note`` values; parsers turn changes back into
edits of their own syntax.  Nobody but a parser ever sees tokens.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable
from typing import Optional
from typing import TypeVar
from typing import Union

#: Endpoint fields a ``Change`` may name, with the words the plan uses for them.
FIELD_WORDS = {
    "protocol": "protocol",
    "host": "server",
    "port": "port",
    "security": "encryption",
    "auth": "login method",
    "username": "username",
    "password": "saved password",
    "certificate": "certificate check",
}


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One server connection as the client will really make it (defaults resolved)."""

    protocol: Optional[str] = None  #: ``"imap"``, ``"pop3"``, ``"smtp"``, ``"auto"``, ...
    host: Optional[str] = None
    port: Optional[int] = None  #: the effective port, the client's default included
    security: Optional[str] = None  #: ``"ssl"``, ``"starttls"`` or ``"none"``
    tls_outdated: bool = False  #: pinned to a TLS/SSL version the service refuses
    auth: Optional[str] = None  #: ``"plain"``, ``"any"``, ``"cram-md5"``, ``"ntlm"``, ...
    username: Optional[str] = None  #: ``None``: the client sends the local login name
    has_password: bool = False  #: a password is saved in the configuration
    #: the client does not check the server's certificate: switched off, or pinned to one certificate
    #: (a fingerprint or a stored exception) that the service's will not match
    certificate_unchecked: bool = False


#: The role of a folder name that selects folders rather than naming one (``INBOX.*``, an exclusion ``!Trash``):
#: it moves out of INBOX like a name, but need not exist.
PATTERN = "pattern"


@dataclasses.dataclass(frozen=True)
class Folder:
    role: str  #: ``"mailbox"``, ``"sent"``, ``"drafts"``, ``"trash"``, ``PATTERN``, ...
    name: str  #: the name as the client stores it
    #: the hierarchy separator the client writes in ``name`` (``/`` in Thunderbird's
    #: folder URIs); ``None`` when ``name`` is the server's own, with the server's separator
    separator: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Account:
    key: str  #: unique within one file; changes name their account by it
    label: str  #: words for people, e.g. ``poll pop.lboro.ac.uk, user ccano``
    line: int  #: where the account starts in its file
    incoming: Endpoint
    outgoing: Optional[Endpoint] = None  #: ``None`` when the client does not send mail
    folders: tuple[Folder, ...] = ()
    subscribed_only: Optional[bool] = None  #: ``None``: the client has no such setting
    keeps_mail_on_server: bool = False  #: POP "leave messages on the server"
    has_special_folders: bool = False  #: the client keeps sent/drafts/trash folders per account
    local_user: Optional[str] = None  #: the owner's login name, when known
    #: the client reads mail only over POP (mpop): an account of the service cannot be converted, only replaced
    pop_only: bool = False


@dataclasses.dataclass(frozen=True)
class Change:
    """A neutral request: set ``field`` of ``account`` from ``old`` to ``new``.

    ``field`` is ``incoming.<name>``/``outgoing.<name>`` for endpoint fields,
    ``folder`` (``old``/``new`` are folder names), ``special.<role>`` (the
    server's sent/drafts/trash folder for an account that is being replaced),
    ``subscribed_only``, or ``account`` (a POP-only account taken out of use).
    """

    account: str
    field: str
    old: object
    new: object
    rule: str
    why: str

    @property
    def words(self) -> str:
        side, _, name = self.field.partition(".")
        if side == "special":
            return f"{name} folder"
        if not name:
            return {"folder": "folder", "subscribed_only": "show only subscribed folders", "account": "account"}[side]
        return f"{side} {FIELD_WORDS[name]}"


@dataclasses.dataclass(frozen=True)
class Note:
    """Something a person should know, which the tool does not change by itself."""

    account: str
    rule: str
    message: str


Finding = Union[Change, Note]
AnyFinding = TypeVar("AnyFinding", bound=Finding)


def new_values(changes: list[Change], side: str) -> dict[str, object]:
    """The new value of each field of one side (``incoming``/``outgoing``) that changes."""
    return {c.field.split(".", 1)[1]: c.new for c in changes if c.field.startswith(side + ".")}


def folder_moves(changes: list[Change]) -> dict[str, str]:
    """Old folder name to new, from the plan's ``folder`` changes."""
    return {str(change.old): str(change.new) for change in changes if change.field == "folder"}


def by_account(findings: Iterable[AnyFinding]) -> dict[str, list[AnyFinding]]:
    """The changes (or notes) of each account, in plan order: grouped once, not looked for again for each account."""
    grouped: dict[str, list[AnyFinding]] = {}
    for finding in findings:
        grouped.setdefault(finding.account, []).append(finding)
    return grouped
