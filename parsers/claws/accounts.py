"""The neutral view of each ``[Account: N]``, as the program will use it (its defaults resolved).

Ports: with ``set_<kind>port`` off the port key is ignored and the program
takes 110/143/25, or 995/993/465 with ``ssl_<kind>=1`` (``pop.c``, ``imap.c``,
``send_message.c``).  The SMTP login is ``smtp_user_id``, else ``user_id``.
Folders: every identifier naming one of the account's IMAP folders, wherever
it stands (any account's special folders, ``folderlist.xml``, ``folderitemrc``,
the filter rules), by its path with ``/`` between levels.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Callable
from typing import Iterator
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.claws import identifiers
from parsers.claws.profile import AccountBlock
from parsers.claws.profile import Profile
from parsers.claws.program import POP
from parsers.claws.program import SECURITY
from parsers.claws.program import atoi
from parsers.claws.program import is_true

_DEFAULT_PORTS = {"pop": (110, 995), "imap": (143, 993), "smtp": (25, 465)}
#: Keys of ``accountrc`` holding a folder identifier, with the folder's role for its own account.
IDENTIFIER_KEYS = {"sent_folder": "sent", "draft_folder": "drafts", "trash_folder": "trash", "queue_folder": "queue",
                   "inbox": "mailbox", "local_inbox": "mailbox"}
#: An IMAP folder an identifier names, with the block it stands in as a special folder (``None`` elsewhere).
Named = tuple[Optional[AccountBlock], Folder]


def key(block: AccountBlock) -> str:
    return f"account {block.id}"


def accounts(profile: Profile) -> list[Account]:
    named = folders(profile)
    return [account(profile, block, named.get(block.id, [])) for block in profile.blocks]


def account(profile: Profile, block: AccountBlock, named: list[Named]) -> Account:
    protocol = profile.protocol(block)
    claws_subscriptions = profile.program.claws or profile.value(block, "imap_subsonly") is not None
    reads_mail = protocol == "imap" or protocol in POP
    return Account(
        key=key(block), label=f"{profile.value(block, 'account_name') or 'account'} (account {block.id})",
        line=block.line, incoming=incoming(profile, block, protocol), outgoing=outgoing(profile, block),
        folders=_first_of_each_name(_own(block, named)),
        subscribed_only=is_true(profile.value(block, "imap_subsonly"), True) if claws_subscriptions and reads_mail else None,
        keeps_mail_on_server=protocol in POP and not is_true(profile.value(block, "remove_mail"), True),
        has_special_folders=True,
    )


def incoming(profile: Profile, block: AccountBlock, protocol: str) -> Endpoint:
    value = functools.partial(profile.value, block)
    if protocol == "imap" or protocol in POP:
        kind = "imap" if protocol == "imap" else "pop"
        security, port = _connection(profile, block, kind)
        if protocol == "imap":
            auth = _named(profile.program.imap_auth, value("imap_auth_method"))
            if is_true(value("set_tunnelcmd"), False):
                security = "none"  # a command's pipe (ssh): no TLS to the host, which the service needs
        else:
            auth = "apop" if _apop(protocol, value) else "plain"
        return Endpoint(
            protocol=protocol, host=value("receive_server") or None, port=port, security=security, auth=auth,
            username=value("user_id") or None, has_password=bool(value("password")),
            certificate_unchecked=is_true(value("ssl_certs_auto_accept"), False))
    host = value("nntp_server") if protocol == "nntp" else None
    return Endpoint(protocol=protocol, host=host or None)


def outgoing(profile: Profile, block: AccountBlock) -> Optional[Endpoint]:
    """The SMTP server, or ``None`` when the account sends through a local command or has none."""
    value = functools.partial(profile.value, block)
    if not value("smtp_server") or is_true(value("use_mail_command"), False):
        return None
    security, port = _connection(profile, block, "smtp")
    auth = _named(profile.program.smtp_auth, value("smtp_auth_method")) if is_true(value("use_smtp_auth"), False) else "none"
    return Endpoint(
        protocol="smtp", host=value("smtp_server"), port=port, security=security, auth=auth,
        username=value("smtp_user_id") or value("user_id") or None, has_password=bool(value("smtp_password")),
        certificate_unchecked=is_true(value("ssl_certs_auto_accept"), False))


def _apop(protocol: str, value: Callable[[str], Optional[str]]) -> bool:
    """APOP: the old protocol number, ``use_apop_auth``, or (Claws 4) ``use_pop_auth`` with method 1."""
    return protocol == "apop" or is_true(value("use_apop_auth"), False) or (
        is_true(value("use_pop_auth"), False) and atoi(value("pop_auth_method")) == 1)


def _connection(profile: Profile, block: AccountBlock, kind: str) -> tuple[str, int]:
    """Security and the effective port of one server kind (``pop``, ``imap``, ``smtp``)."""
    security = SECURITY.get(atoi(profile.value(block, f"ssl_{kind}")), "none")
    if is_true(profile.value(block, f"set_{kind}port"), False):
        return security, atoi(profile.value(block, f"{kind}_port")) & 0xFFFF  # read as an unsigned short
    plain, tunnel = _DEFAULT_PORTS[kind]
    return security, tunnel if security == "ssl" else plain


def _named(methods: dict[int, str], value: Optional[str]) -> str:
    number = atoi(value)
    return methods.get(number, f"method {number}")


def _first_of_each_name(found: Iterator[Folder]) -> tuple[Folder, ...]:
    """One folder per name: an account's own special folder comes first, so it keeps its role."""
    kept: dict[str, Folder] = {}
    for folder in found:
        kept.setdefault(folder.name, folder)
    return tuple(kept.values())


def folders(profile: Profile) -> dict[int, list[Named]]:
    """Account id -> the IMAP folders of that account each file names, in file order.  Found once for all
    accounts: a profile can have hundreds, each naming folders in every file."""
    owners = profile.folder_owners
    found: dict[int, list[Named]] = {}

    def add(identifier: Optional[str], role: str = "mailbox", block: Optional[AccountBlock] = None) -> None:
        parts = identifiers.split(identifier or "")
        if parts and parts[0] in owners and parts[1]:
            found.setdefault(owners[parts[0]], []).append((block, Folder(role, parts[1], separator="/")))

    for other in profile.blocks:
        for name, role in IDENTIFIER_KEYS.items():
            add(profile.value(other, name), role, other)
    for folder in profile.folderlist.imap_folders if profile.folderlist else ():
        if folder.name in owners:
            found.setdefault(owners[folder.name], []).extend(
                (None, Folder("mailbox", profile.folderlist.folder_path(index), "/")) for index in folder.paths
                if profile.folderlist.folder_path(index))
    if profile.folderitemrc is not None:
        for section in profile.folderitemrc.sections:
            add(section.label)
    for document in profile.filters:
        for index in document.folder_tokens():
            add(document.identifier(index))
    return found


def _own(block: AccountBlock, named: list[Named]) -> Iterator[Folder]:
    """The folders of ``block``'s account; a special folder keeps its role only in the block it stands in."""
    for there, folder in named:
        yield folder if there == block else dataclasses.replace(folder, role="mailbox")
