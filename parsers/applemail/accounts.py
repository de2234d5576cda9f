"""Mail's account dictionaries as Mail reads them, and as neutral accounts.

``MailAccounts`` holds the incoming accounts (``AccountType`` ``IMAPAccount``,
``POPAccount``; ``LocalAccount``, RSS and the rest are not mail servers and are
left out); ``DeliveryAccounts`` the outgoing ones (``SMTPAccount``).  An incoming
account sends through the outgoing account its ``SMTPIdentifier`` names:
``Hostname:Username``, or the bare ``Hostname`` of one without a user name.

How a dictionary connects (read in a later Mail's own code, assumed for Mail 2-4):
flags through ``boolValue`` and the port through ``intValue`` whatever their type;
port 0 or none is the protocol's default (the SSL port with ``SSLEnabled``); an
outgoing server logs in only with ``ShouldUseAuthentication`` and a user name;
an empty or absent ``AuthenticationScheme`` is a password.  Encryption:
``SecurityLayerType`` 3 is SSL and 2 STARTTLS where a Lion-era file has it;
otherwise ``SSLEnabled`` means SSL on the protocol's SSL port and STARTTLS on any
other (as setup guides have Mail send on 587 with "Use SSL"), no SSL means none.

A POP account whose IMAP account mailmigrate has already added (``added_id``)
is no account to migrate any more: it stays for its mail, and the plan says so.
"""
from __future__ import annotations

import uuid
from typing import Iterator
from typing import Mapping
from typing import NamedTuple
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.applemail.values import Path
from parsers.applemail.values import int_value
from parsers.applemail.values import is_yes

INCOMING = {"IMAPAccount": "imap", "POPAccount": "pop3"}
#: Mail's special mailboxes, by the role the rules know them as.  Their names are Mail's relative paths: ``/`` between levels.
SPECIAL_MAILBOXES = {"DraftsMailboxName": "drafts", "SentMessagesMailboxName": "sent", "TrashMailboxName": "trash",
                     "JunkMailboxName": "junk", "ArchiveMailboxName": "archive", "NotesMailboxName": "notes",
                     "ToDosMailboxName": "todos"}
#: (plain port, SSL port) of each protocol, when the dictionary gives none.
DEFAULT_PORTS = {"imap": (143, 993), "pop3": (110, 995), "smtp": (25, 465)}
_LAYERS = {3: "ssl", 2: "starttls"}
_PASSWORD_SCHEMES = ("", "password", "plain", "login")
#: Names the IMAP account added for a POP account: from the POP account, so every run names the same one.
_ADDED = uuid.UUID("6c1f4a0e-2b8d-5e1a-9f3c-7d4b2a6e8c10")


class MailDict(NamedTuple):
    """One account dictionary and where it is."""

    path: Path  #: ``("MailAccounts", 2)``
    info: Mapping[str, object]

    @property
    def key(self) -> str:
        return f"{self.path[0]}[{self.path[1]}]"

    def text(self, name: str) -> Optional[str]:
        value = self.info.get(name)
        return value if isinstance(value, str) else None


def account_dicts(root: object, array: str) -> Iterator[MailDict]:
    """The dictionaries of ``MailAccounts`` or ``DeliveryAccounts``."""
    items = root.get(array) if isinstance(root, dict) else None
    for index, info in enumerate(items if isinstance(items, list) else ()):
        if isinstance(info, dict):
            yield MailDict((array, index), info)


def incoming(root: object) -> list[MailDict]:
    return [mail for mail in account_dicts(root, "MailAccounts") if mail.text("AccountType") in INCOMING]


def outgoing(root: object) -> list[MailDict]:
    return [mail for mail in account_dicts(root, "DeliveryAccounts") if mail.text("Hostname")]


def identifier(smtp: Mapping[str, object]) -> str:
    """The name an incoming account's ``SMTPIdentifier`` gives this outgoing account by."""
    user = smtp.get("Username")
    return f"{smtp.get('Hostname')}:{user}" if isinstance(user, str) else str(smtp.get("Hostname"))


def added_id(pop: MailDict) -> str:
    """The ``uniqueId`` of the IMAP account added for a POP account (Mail writes them as upper-case UUIDs)."""
    seed = pop.text("uniqueId") or pop.text("AccountPath") or f"{pop.text('Hostname')}:{pop.text('Username')}"
    return str(uuid.uuid5(_ADDED, seed)).upper()


def endpoint(info: Mapping[str, object], protocol: str) -> Endpoint:
    ssl = is_yes(info.get("SSLEnabled"))
    plain_port, ssl_port = DEFAULT_PORTS[protocol]
    port = int_value(info.get("PortNumber")) or (ssl_port if ssl else plain_port)
    layer = info.get("SecurityLayerType")
    security = _LAYERS.get(layer) if isinstance(layer, int) and not isinstance(layer, bool) else None
    if security is None:
        security = ("ssl" if port == ssl_port else "starttls") if ssl else "none"
    user = info.get("Username")
    user = user if isinstance(user, str) and user else None
    scheme = info.get("AuthenticationScheme")
    auth = "plain" if not isinstance(scheme, str) or scheme.lower() in _PASSWORD_SCHEMES else scheme.lower()
    if protocol == "smtp" and not (is_yes(info.get("ShouldUseAuthentication")) and user):
        auth = "none"
    host = info.get("Hostname")
    return Endpoint(protocol, host if isinstance(host, str) else None, port, security, auth=auth, username=user)


def folders(mail: MailDict) -> tuple[Folder, ...]:
    return tuple(Folder(role, name, "/") for key, role in SPECIAL_MAILBOXES.items()
                 for name in [mail.text(key)] if name)


def account(mail: MailDict, smtp: Optional[MailDict], line: int) -> Account:
    """An incoming account, with the outgoing account it sends through."""
    protocol = INCOMING[str(mail.info["AccountType"])]
    reading = endpoint(mail.info, protocol)
    name = mail.text("AccountName") or reading.username or "(no name)"
    return Account(
        mail.key, f"{name} ({protocol.upper()[:4]} {reading.username or '(no user)'} on {reading.host})", line, reading,
        endpoint(smtp.info, "smtp") if smtp is not None else None,
        folders(mail) if protocol == "imap" else (), has_special_folders=protocol == "pop3")


def sending_account(smtp: MailDict, line: int) -> Account:
    """An outgoing account no incoming account sends through: still Mail's, and migrated."""
    sending = endpoint(smtp.info, "smtp")
    return Account(smtp.key, f"sending through {sending.host} ({sending.username or 'no login'})", line, Endpoint(), sending)
