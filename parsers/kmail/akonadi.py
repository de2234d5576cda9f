"""KMail 2 (KDE 4.6+, KDE Frameworks 5 and 6): mail accounts are Akonadi resources, one KConfig file each.

``akonadi_imap_resource_<n>rc`` (``imapresource.kcfg``, ``settings.cpp``): ``[network]``
``ImapServer`` (``host:port`` up to KDE 4.4, when there was no ``ImapPort``), ``ImapPort``
(default 993 since 4.5), ``Safety`` (``SSL``, ``STARTTLS``, anything else unencrypted; default
``SSL``), ``OverrideEncryption`` (when set, it wins), ``Authentication`` (MailTransport's enum
as a number, default 1), ``UserName``, ``SubscriptionEnabled`` (default false).  The password is
in KWallet, never in the file.

``akonadi_pop3_resource_<n>rc`` (``pop3/settings.kcfg``): ``[General]`` ``host``, ``port`` (110),
``login``, ``useSSL``, ``useTLS``, ``authenticationMethod`` (7, USER/PASS), ``leaveOnServer``,
``intervalCheckEnabled``.  A POP3 resource cannot become an IMAP one (another agent type, known
to Akonadi's registry and database), so its IMAP account is written for Akonadi to create
(``firstrun``); once that file is there, it is the account this setup stands for.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Callable
from typing import Optional

from migrate.document import Document
from migrate.model import Account
from migrate.model import Endpoint
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.kmail.firstrun import AGENT_TYPE
from parsers.kmail.firstrun import firstrun_path
from parsers.kmail.firstrun import instance
from parsers.kmail.kconfig import KConfigFile
from parsers.kmail.kconfig import expand
from parsers.kmail.kconfig import parse_kconfig
from parsers.kmail.locations import environment
from parsers.kmail.values import choice
from parsers.kmail.values import flag
from parsers.kmail.values import integer
from parsers.kmail.values import port

#: MailTransport's authentication enum, by number (``mailtransport.kcfg``)
AUTHENTICATION = ("LOGIN", "PLAIN", "CRAM_MD5", "DIGEST_MD5", "GSSAPI", "NTLM", "APOP", "CLEAR", "ANONYMOUS", "XOAUTH2")
_OVERRIDES = {"SSL": "ssl", "SSLV2": "ssl", "SSLV3": "ssl", "TLSV1": "ssl", "STARTTLS": "starttls", "UNENCRYPTED": "none"}


@dataclasses.dataclass(frozen=True)
class ResourceSetup:
    rc: KConfigFile
    #: a POP3 resource's IMAP account for Akonadi to create (``None``: nowhere to write it); empty while not written
    firstrun: Optional[KConfigFile] = None
    firstrun_written: bool = False

    @property
    def files(self) -> dict[str, Document]:
        return {f.path: f for f in (self.rc, self.firstrun) if f is not None}

    @property
    def pop3(self) -> bool:
        return os.path.basename(self.rc.path).startswith("akonadi_pop3_resource_")

    @property
    def instance(self) -> str:
        return instance(self.rc.path)


def load(read: Read, path: str) -> ResourceSetup:
    rc = parse_kconfig(read_required(read, path), path, environment=environment(path))
    target = firstrun_path(path) if os.path.basename(path).startswith("akonadi_pop3_resource_") else None
    data = read(target) if target is not None else None
    if target is None:
        return ResourceSetup(rc)
    return ResourceSetup(rc, parse_kconfig(data or b"", target), data is not None)


def accounts(setup: ResourceSetup) -> list[Account]:
    if not setup.pop3:
        return [_imap_account(setup)]
    if setup.firstrun_written and replacement(setup) is not None:
        return [_replaced_account(setup)]
    return [_pop3_account(setup)]


def imap_endpoint(get: Callable[[str], Optional[str]]) -> Endpoint:
    """The server of an IMAP resource's ``[network]`` settings, read through ``get``."""
    server, written_port = get("ImapServer") or "", get("ImapPort")
    host, _, old_port = server.rpartition(":")
    if written_port is not None or not old_port.isdigit():  # KDE 4.4 and older wrote host:port
        host, old_port = server, ""
    safety = {"SSL": "ssl", "STARTTLS": "starttls"}.get(get("Safety") or "SSL", "none")
    override = _OVERRIDES.get(get("OverrideEncryption") or "")
    return Endpoint(protocol="imap", host=host, port=port(written_port or old_port or None, 993),
                    security=override or safety, auth=_auth(integer(get("Authentication"), 1)),
                    username=get("UserName") or None)


def _auth(number: Optional[int]) -> str:
    name = choice(str(number), AUTHENTICATION, "CLEAR") or "CLEAR"
    return "plain" if name in ("LOGIN", "PLAIN", "CLEAR") else name.lower().replace("_", "-")


def _imap_account(setup: ResourceSetup) -> Account:
    rc = setup.rc
    return Account(setup.instance, _label("IMAP", rc.get("network", "name"), setup.instance), 1,
                   imap_endpoint(lambda key: rc.get("network", key)),
                   subscribed_only=flag(rc.get("network", "SubscriptionEnabled")))


def _label(kind: str, name: Optional[str], instance: str) -> str:
    return f"{kind} account {name!r} (Akonadi {instance})" if name else f"{kind} account (Akonadi {instance})"


def pop3_endpoint(rc: KConfigFile) -> Endpoint:
    get = lambda key: rc.get("General", key)  # noqa: E731
    security = "ssl" if flag(get("useSSL")) else "starttls" if flag(get("useTLS")) else "none"
    return Endpoint(protocol="pop3", host=get("host") or "", port=port(get("port"), 110), security=security,
                    auth=_auth(integer(get("authenticationMethod"), 7)), username=get("login") or None)


def _pop3_account(setup: ResourceSetup) -> Account:
    rc = setup.rc
    return Account(setup.instance, _label("POP3", rc.get("General", "name"), setup.instance), 1, pop3_endpoint(rc),
                   keeps_mail_on_server=flag(rc.get("General", "leaveOnServer")))


def replacement(setup: ResourceSetup) -> Optional[Endpoint]:
    """The IMAP account written for the POP3 resource, as Akonadi will set it up; ``None`` if the file is another."""
    document = setup.firstrun
    if document is None or document.get("Agent", "Type") != AGENT_TYPE:
        return None

    def setting(key: str) -> Optional[str]:
        value = document.get("Settings", key)
        return expand(value, {}) if value is not None and key in ("ImapServer", "UserName") else value  # read as paths

    return imap_endpoint(setting)


def _replaced_account(setup: ResourceSetup) -> Account:
    endpoint = replacement(setup)
    assert endpoint is not None and setup.firstrun is not None
    return Account(setup.instance, f"POP3 account {setup.instance}, replaced by the IMAP account of"
                                   f" {setup.firstrun.path} (Akonadi)", 1, endpoint,
                   subscribed_only=flag(setup.firstrun.get("Settings", "SubscriptionEnabled")))
