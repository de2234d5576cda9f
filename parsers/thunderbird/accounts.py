"""The neutral view of a profile: one ``Account`` per IMAP or POP account listed.

Connection values come from ``realhostname``/``realuserName`` when an old
Thunderbird left them (they are what it connects with); folder URIs are built
from ``hostname``/``userName`` (what the URIs in the profile name).  Older
spellings are read as Thunderbird reads them: a host name with ``:port``
(split at start), an identity's ``smtp_server`` (Netscape-era ``smtpServer``).
"""
from __future__ import annotations

import dataclasses
from typing import Optional
from urllib.parse import unquote

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.thunderbird import uris
from parsers.thunderbird.certs import CertOverrides
from parsers.thunderbird.profile import Profile

SECURITY = {0: "none", 1: "none", 2: "starttls", 3: "ssl"}  #: 1 was "STARTTLS if available": no guarantee
SOCKET_TYPE = {"none": 0, "starttls": 2, "ssl": 3}
AUTH = {0: "plain", 1: "none", 2: "old", 3: "plain", 4: "cram-md5", 5: "gssapi", 6: "ntlm", 7: "external",
        8: "secure", 9: "any", 10: "oauth2"}
AUTH_METHOD = {"plain": 3, "none": 1}
_PORTS = {"imap": (143, 993), "pop3": (110, 995)}
IDENTITY_FOLDERS = {"fcc_folder": "sent", "draft_folder": "drafts", "stationery_folder": "templates",
                    "archive_folder": "archive"}
SCHEMES = {"imap": "imap", "pop3": "mailbox"}
#: Where an identity names its outgoing server, the current spelling first.
SMTP_KEY_NAMES = ("smtpServer", "smtp_server")


@dataclasses.dataclass(frozen=True)
class MailAccount:
    """Where one account's settings live in the profile."""

    key: str  #: ``account2``
    server: str  #: ``server2``
    type: str  #: ``imap`` or ``pop3``
    identities: tuple[str, ...]
    smtp: Optional[str]  #: the SMTP server key its first identity sends through

    def root(self, profile: Profile) -> str:
        """The URI root its folders are named under."""
        return uris.root(SCHEMES[self.type], str(profile.server(self.server, "userName") or ""),
                         host_and_port(profile.server(self.server, "hostname"))[0].lower())


def mail_accounts(profile: Profile) -> list[MailAccount]:
    found = []
    default_smtp = str(profile.value("mail.smtp.defaultserver") or "") or None
    for key in profile.keys("mail.accountmanager.accounts"):
        server = str(profile.value(f"mail.account.{key}.server") or "")
        kind = str(profile.server(server, "type") or "") if server else ""
        if kind not in SCHEMES or profile.value(f"mail.server.{server}.mailmigrate.replaced_by"):
            continue
        identities = tuple(profile.keys(f"mail.account.{key}.identities"))
        smtp = outgoing_key(profile, identities[0])[0] if identities else None
        found.append(MailAccount(key, server, kind, identities, smtp or default_smtp))
    return found


def outgoing_key(profile: Profile, identity: str) -> tuple[Optional[str], Optional[str]]:
    """The SMTP server key an identity sends through, and the pref that names it; ``None``: the default.

    ``smtp_server`` may hold a key or, like Netscape's own pref of that name, a host name.
    """
    for name in SMTP_KEY_NAMES:
        value = profile.value(f"mail.identity.{identity}.{name}")
        if isinstance(value, str) and value:
            return (value, name) if name == "smtpServer" else (_smtp_key(profile, value), name)
    return None, None


def _smtp_key(profile: Profile, value: str) -> Optional[str]:
    if value in profile.smtp_keys:  # Thunderbird knows only the listed servers
        return value
    return profile.smtp_hosts.get(value.lower())


def host_and_port(hostname: object) -> tuple[str, Optional[int]]:
    """``imap.host:143`` as Thunderbird splits it when it reads the server (exactly one colon)."""
    text = str(hostname or "")
    host, colon, port = text.partition(":")
    if colon and ":" not in port:
        return host, int(port) if port.isdigit() else None
    return text, None


def account(
    profile: Profile, mail: MailAccount, logins: frozenset[str], line: int, overrides: Optional[CertOverrides] = None
) -> Account:
    server = lambda name: profile.server(mail.server, name)  # noqa: E731
    host, port_in_name = host_and_port(server("realhostname") or server("hostname"))
    socket_type = server("socketType") if profile.value(f"mail.server.{mail.server}.socketType") is not None else (
        3 if server("isSecure") else 0)
    security = SECURITY.get(number(socket_type, 0), "none")
    port = port_in_name if port_in_name is not None else number(server("port"), -1)  # the name's port is set over it
    port = port if port > 0 else _PORTS[mail.type][security == "ssl"]
    user = str(server("realuserName") or server("userName") or "") or None
    return Account(
        key=mail.key,
        label=f"{mail.key} {server('name') or f'{user} on {host}'} ({mail.type.upper()})",
        line=line,
        incoming=Endpoint(
            protocol=mail.type, host=host, port=port,
            security=security, auth=AUTH.get(_auth_method(profile, f"mail.server.{mail.server}"), "other"),
            username=user,
            has_password=f"{SCHEMES[mail.type]}://{host.lower()}" in logins or bool(server("password")),
            certificate_unchecked=overrides is not None and overrides.has(host, port),
        ),
        outgoing=_smtp(profile, mail.smtp, logins, overrides) if mail.smtp else None,
        folders=_folders(profile, mail),
        # A POP account answers for the IMAP account that will replace it, which subscribes by default.
        subscribed_only=bool(server("using_subscription")) if mail.type == "imap" else True,
        keeps_mail_on_server=mail.type == "pop3" and bool(server("leave_on_server")),
        has_special_folders=True,
    )


def number(value: object, default: int) -> int:
    """An int pref; like Thunderbird, fall back to the default when it holds another type."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _auth_method(profile: Profile, branch: str) -> int:
    """``authMethod``, or what the pre-3.1 keys meant when it was never written."""
    method = profile.value(f"{branch}.authMethod")
    if method is not None:
        return number(method, 3)
    if profile.value(f"{branch}.auth_method") == 0 or profile.value(f"{branch}.auth_login") is False:
        return 1 if profile.value(f"{branch}.auth_method") == 0 else 2
    return 8 if profile.value(f"{branch}.useSecAuth") else 3


def _smtp(profile: Profile, key: str, logins: frozenset[str], overrides: Optional[CertOverrides]) -> Endpoint:
    host = str(profile.smtp(key, "hostname") or "")
    security = SECURITY.get(number(profile.smtp(key, "try_ssl"), 0), "none")
    port = number(profile.smtp(key, "port"), 0)
    port = port if port > 0 else (465 if security == "ssl" else 587)
    return Endpoint(
        protocol="smtp", host=host, port=port,
        security=security, auth=AUTH.get(_auth_method(profile, f"mail.smtpserver.{key}"), "other"),
        username=str(profile.smtp(key, "username") or "") or None,
        has_password=f"smtp://{host.lower()}" in logins,
        certificate_unchecked=overrides is not None and overrides.has(host, port),
    )


def _folders(profile: Profile, mail: MailAccount) -> tuple[Folder, ...]:
    own = uris.split(mail.root(profile))
    found = []
    for identity in mail.identities:
        for pref, role in IDENTITY_FOLDERS.items():
            uri = uris.split(str(profile.value(f"mail.identity.{identity}.{pref}") or ""))
            if uri and own and (uri.scheme, uri.user, uri.host) == (own.scheme, own.user, own.host) and uri.path:
                found.append(Folder(role, unquote(uri.path), separator="/"))
    trash = profile.server(mail.server, "trash_folder_name")
    if mail.type == "imap" and trash:
        found.append(Folder("trash", str(trash), separator="/"))
    return tuple(found)
