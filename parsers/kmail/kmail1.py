"""KMail 1.x (KDE 3; KDE 4.0 to 4.5 before Akonadi): the accounts and SMTP transports of ``kmailrc``.

KMail reads ``[Account 1]`` .. ``[Account N]`` for ``[General] accounts=N`` and ``[Transport 1]``
.. ``[Transport M]`` for ``transports=M``, and no other (``AccountManager::readConfig``,
``KMTransportInfo::availableTransports``).  An account's ``Type`` is ``pop``, ``imap`` or
``cachedimap`` (disconnected IMAP; ``local`` and ``maildir`` read local files).  Defaults, from
``networkaccount.cpp``, ``imapaccountbase.cpp``, ``popaccount.cpp``, ``kmtransport.cpp``: the port
is 143 or 110 whatever the encryption, ``auth`` is ``*`` (IMAP's LOGIN command), a transport's
port is 25 and its host ``localhost``; a transport is encrypted only for ``SSL`` or ``TLS`` as
written (``kmsender.cpp``).  The identities of ``emailidentities`` beside it name the sent,
drafts and templates folders by folder id.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Callable
from typing import Optional

from migrate.document import Document
from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.kmail import folder_ids
from parsers.kmail.kconfig import KDE3
from parsers.kmail.kconfig import KDE4
from parsers.kmail.kconfig import KConfigFile
from parsers.kmail.kconfig import parse_kconfig
from parsers.kmail.locations import environment
from parsers.kmail.values import flag
from parsers.kmail.values import integer
from parsers.kmail.values import kde3_flag
from parsers.kmail.values import kde3_number
from parsers.kmail.values import port

KINDS = {"pop": "pop3", "imap": "imap", "cachedimap": "imap"}
SECRETS = frozenset({"pass", "passwd"})
IDENTITY_FOLDERS = {"Fcc": "sent", "Drafts": "drafts", "Templates": "templates"}
_AUTH = {"*": "plain", "USER": "plain", "LOGIN": "plain", "PLAIN": "plain", "AUTO": "any"}


@dataclasses.dataclass(frozen=True)
class Kmail1Setup:
    rc: KConfigFile
    identities: Optional[KConfigFile] = None  #: ``emailidentities`` beside it

    @property
    def files(self) -> dict[str, Document]:
        return {f.path: f for f in (self.rc, self.identities) if f is not None}

    def flag(self, group: str, key: str, default: bool = False) -> bool:
        read = kde3_flag if self.rc.dialect == KDE3 else flag
        return read(self.rc.get(group, key), default)

    def groups(self, prefix: str, count_key: str) -> list[str]:
        """``[<prefix> 1]`` .. ``[<prefix> N]`` that the file has, N from ``[General]`` (looked up, never counted to N)."""
        count = kde3_number(self.rc.get("General", count_key))
        numbered = {int(found.group(1)): name for name in self.rc.group_names()
                    if (found := re.fullmatch(rf"{prefix} ([1-9][0-9]{{0,9}})", name))}
        return [numbered[number] for number in sorted(numbered) if number <= count]

    def id_files(self) -> list[KConfigFile]:
        return [f for f in (self.rc, self.identities) if f is not None]


def load(read: Read, path: str) -> Kmail1Setup:
    dialect = KDE4 if f"{os.sep}.kde4{os.sep}" in path else KDE3
    rc = parse_kconfig(read_required(read, path), path, dialect, environment(path), SECRETS)
    name = os.path.join(os.path.dirname(path), "emailidentities")
    data = read(name)
    return Kmail1Setup(rc, parse_kconfig(data, name, dialect, environment(path)) if data is not None else None)


def accounts(setup: Kmail1Setup) -> list[Account]:
    found = [_account(setup, group) for group in setup.groups("Account", "accounts")]
    found += [_transport(setup, group) for group in setup.groups("Transport", "transports")]
    return [account for account in found if account is not None]


def kind(setup: Kmail1Setup, group: str) -> Optional[str]:
    """``pop``, ``imap`` or ``cachedimap``; ``None`` for an account that reads local files."""
    value = setup.rc.get(group, "Type")
    return value if value in KINDS else None


def _line(setup: Kmail1Setup, group: str) -> int:
    header = next(index for name, index in setup.rc.groups if name == group)
    return setup.rc.position(header)[0]


def _account(setup: Kmail1Setup, group: str) -> Optional[Account]:
    account_type = kind(setup, group)
    if account_type is None:
        return None
    get: Callable[[str], Optional[str]] = lambda key: setup.rc.get(group, key)  # noqa: E731
    protocol = KINDS[account_type]
    security = "ssl" if setup.flag(group, "use-ssl") else "starttls" if setup.flag(group, "use-tls") else "none"
    default_port = 143 if protocol == "imap" else 110
    auth = (get("auth") or "*").upper()
    endpoint = Endpoint(
        protocol=protocol, host=get("host") or "", port=port(get("port"), default_port) or default_port,
        security=security, auth=_AUTH.get(auth, auth.lower()), username=get("login") or None,
        has_password=stores_password(setup, group) and bool(get("pass") or get("passwd")),
    )
    imap = protocol == "imap"
    return Account(
        key=group, label=f"{'IMAP' if imap else 'POP'} account {get('Name') or group!r} (KMail 1, {group})",
        line=_line(setup, group), incoming=endpoint, folders=folders(setup, group) if imap else (),
        subscribed_only=setup.flag(group, "subscribed-folders") if imap else None,
        keeps_mail_on_server=not imap and kde3_number(get("leave-on-server")) != 0,
    )


def stores_password(setup: Kmail1Setup, group: str) -> bool:
    return kde3_number(setup.rc.get(group, "store-passwd")) != 0  # read as a number ("true" is 1)


def _transport(setup: Kmail1Setup, group: str) -> Optional[Account]:
    get: Callable[[str], Optional[str]] = lambda key: setup.rc.get(group, key)  # noqa: E731
    if (get("type") or "smtp") != "smtp":
        return None
    encryption = get("encryption")
    security = "ssl" if encryption == "SSL" else "starttls" if encryption == "TLS" else "none"
    host = get("host") if get("host") is not None else "localhost"
    authtype = (get("authtype") or "").upper()
    auth = ("plain" if authtype in ("PLAIN", "LOGIN") else authtype.lower() or "any") if setup.flag(group, "auth") else "none"
    number = integer(get("port") if get("port") is not None else "25", 0, 0, 65535)
    endpoint = Endpoint(protocol="smtp", host=host, port=number or (465 if security == "ssl" else 25), security=security,
                        auth=auth, username=get("user") or None, has_password=bool(get("pass")))
    return Account(group, f"sending through {host} ({get('name') or group}, KMail 1)", _line(setup, group), Endpoint(),
                   outgoing=endpoint)


def folders(setup: Kmail1Setup, group: str) -> tuple[Folder, ...]:
    """The account's folders that its settings, identities, filters and folder settings name, special ones first."""
    account_id = setup.rc.get(group, "Id") or ""
    found: list[tuple[str, str]] = []
    for document in setup.id_files():
        for entry in document.entries:
            name = folder_ids.name(document.value(entry), account_id) if entry.value_index >= 0 else None
            if name is None:
                continue
            if document is setup.identities and entry.key in IDENTITY_FOLDERS:
                found.append((IDENTITY_FOLDERS[entry.key], name))
            else:
                found.append(("trash" if (entry.group, entry.key) == (group, "trash") else "mailbox", name))
    for name in setup.rc.group_names():
        if name.startswith("Folder-") and folder_ids.name(name[len("Folder-"):], account_id):
            found.append(("mailbox", folder_ids.name(name[len("Folder-"):], account_id) or ""))
    ordered = sorted(found, key=lambda item: item[0] == "mailbox")
    names = dict.fromkeys(name for _, name in ordered)
    roles = {name: role for role, name in reversed(ordered)}
    return tuple(Folder(roles[name], name, separator="/") for name in names)
