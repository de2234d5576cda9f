"""KDE 4+ outgoing servers: ``mailtransports`` (``$KDEHOME/share/config``, or ``~/.config`` for Frameworks).

Each ``[Transport <id>]`` (``TransportManager`` reads every group so named) is one sending
account when it is SMTP: ``identifier`` ``SMTP`` (its default), or KDE 4's ``type`` ``SMTP``/0.
Keys (``mailtransport.kcfg``): ``host``, ``port``, ``user``, ``auth`` (log in or not),
``authtype`` (``LOGIN``, ``PLAIN``, ``CRAM_MD5`` ... or the number), ``encryption`` (``None``,
``SSL`` for TLS from the start, ``TLS`` for STARTTLS, or 0/1/2), ``storepass`` and, without a
wallet, ``password`` (obscured).  The defaults of ``port`` and ``encryption`` changed (25 and
``None`` up to KDE Gear 24.02, then ``SSL`` with 587, 465 since 25.12): a file without them is
read differently by each version, so they count as unknown and are written out.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from migrate.document import Document
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import by_account
from migrate.model import new_values
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.inifile import IniEditor
from parsers.kmail.akonadi import AUTHENTICATION
from parsers.kmail.kconfig import KConfigFile
from parsers.kmail.kconfig import parse_kconfig
from parsers.kmail.locations import environment
from parsers.kmail.values import choice
from parsers.kmail.values import flag
from parsers.kmail.values import port
from parsers.kmail.wallet import wallet_note

ENCRYPTION = ("None", "SSL", "TLS")
_SECURITY = {"None": "none", "SSL": "ssl", "TLS": "starttls"}


class Spelling(NamedTuple):
    """How a version writes a transport's encryption and names its saved password."""

    encryption: dict[str, str]
    password: str


KDE4_SPELLING = Spelling({"ssl": "SSL", "starttls": "TLS", "none": "None"}, "password")
KDE3_SPELLING = Spelling({"ssl": "SSL", "starttls": "TLS", "none": "NONE"}, "pass")
_GROUP = re.compile(r"Transport (.+)")


@dataclasses.dataclass(frozen=True)
class TransportsSetup:
    rc: KConfigFile

    @property
    def files(self) -> dict[str, Document]:
        return {self.rc.path: self.rc}


def load(read: Read, path: str) -> TransportsSetup:
    return TransportsSetup(parse_kconfig(read_required(read, path), path, environment=environment(path),
                                         secret_keys=frozenset({"password"})))


def accounts(setup: TransportsSetup) -> list[Account]:
    rc, found = setup.rc, []
    for group in rc.group_names():
        if _GROUP.fullmatch(group) and is_smtp(rc, group):
            header = next(index for name, index in rc.groups if name == group)
            found.append(Account(group, f"sending through {rc.get(group, 'host') or '?'} ({rc.get(group, 'name') or group})",
                                 rc.position(header)[0], Endpoint(), outgoing=endpoint(rc, group)))
    return found


def is_smtp(rc: KConfigFile, group: str) -> bool:
    kind = rc.get(group, "identifier")
    if kind is None and rc.get(group, "type") is not None:  # KDE 4: an enum, SMTP first
        kind = choice(rc.get(group, "type"), ("SMTP", "Sendmail", "Akonadi"), "SMTP")
    return (kind or "SMTP").upper() == "SMTP"


def endpoint(rc: KConfigFile, group: str) -> Endpoint:
    get = lambda key: rc.get(group, key)  # noqa: E731
    encryption = choice(get("encryption"), ENCRYPTION, None)
    auth = choice(get("authtype"), AUTHENTICATION, "PLAIN") or "PLAIN"
    return Endpoint(
        protocol="smtp", host=get("host") or "", port=port(get("port"), None),
        security=_SECURITY[encryption] if encryption else None,
        auth=("plain" if auth in ("LOGIN", "PLAIN", "CLEAR") else auth.lower().replace("_", "-"))
        if flag(get("auth")) else "none",
        username=get("user") or None, has_password=flag(get("storepass")) and bool(get("password")),
    )


def migrate(setup: TransportsSetup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
    rc, notes = IniEditor(setup.rc), []
    grouped = by_account(changes)
    for account in accounts:
        mine, group = grouped.get(account.key, []), account.key
        if not mine or account.outgoing is None:
            continue
        set_transport(rc, group, account.outgoing, new_values(mine, "outgoing"), KDE4_SPELLING)
        if not any(c.field == "outgoing.password" for c in mine):
            notes += wallet_note(account.key, account.outgoing, flag(setup.rc.get(group, "storepass")),
                                 f"folder mailtransports, {setup.rc.get(group, 'id') or group}")
    return {setup.rc.path: rc.document()}, notes


def set_transport(editor: IniEditor, group: str, endpoint: Endpoint, values: dict, spelling: Spelling) -> None:
    """A transport's new values, in the keys KMail 1.x (``kmailrc``) and KDE 4+ (``mailtransports``) share."""
    if "host" in values:
        editor.set(group, "host", str(values["host"]))
    if "port" in values or "security" in values:
        editor.set(group, "port", str(values.get("port", endpoint.port)))
        editor.set(group, "encryption", spelling.encryption[str(values.get("security", endpoint.security))])
    if "auth" in values:
        editor.set(group, "auth", "true")
        editor.set(group, "authtype", "PLAIN")
    if "username" in values:
        editor.set(group, "user", str(values["username"]))
    if "password" in values:
        editor.set(group, "storepass", "false")
        editor.remove(group, spelling.password)

