"""The neutral view of an mbsync configuration: one account per IMAP server.

A server is an ``IMAPAccount`` section, or an ``IMAPStore`` that has its own ``Host`` or
``Tunnel`` instead of an ``Account`` line.  Its folders are what its stores and the channels
using them name: a store's ``Path`` and a mailbox prefix of a channel with ``Patterns`` as the
pattern ``<prefix>*`` (everything under it), the channels' mailboxes and patterns, and a
store's ``Trash``.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterator
from typing import NamedTuple
from typing import Optional

from migrate.model import PATTERN
from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.mbsync.config import Line
from parsers.mbsync.config import MbsyncConfig
from parsers.mbsync.config import Section
from parsers.tunnel import tunnel_host

#: The SSL keywords of isync 1.0/1.1 (still read, with a notice, until 1.4; never mixed with SSLType/SSLVersions).
LEGACY_SSL = frozenset({"useimaps", "requiressl", "usesslv2", "usesslv3", "usetlsv1", "usetlsv1.1", "usetlsv1.2",
                        "usetlsv1.3"})
#: Channel lines naming a side: 1.4's Far/Near, and the Master/Slave of earlier versions (kept as written).
SIDES = frozenset({"far", "near", "master", "slave"})
PLAIN_MECHANISMS = frozenset({"PLAIN", "LOGIN", "*"})
TLS_VERSIONS = ("tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3")
_URL = re.compile(r"(?i)(imaps?:)?(//)?")
_TRUE = frozenset({"yes", "true", "on", "1"})


class Side(NamedTuple):
    """One side of a channel that is a store of the server."""

    channel: Section
    line: Line  #: its Far/Near/Master/Slave line
    box: str  #: the mailbox after ``:store:``, ``""`` for none


@dataclasses.dataclass(frozen=True)
class Server:
    key: str
    section: Section  #: where its connection settings are
    stores: tuple[Section, ...]  #: the IMAP stores that use it (an inline server is its own store)
    sides: tuple[Side, ...]  #: the channel sides on those stores

    @property
    def legacy(self) -> bool:
        """Whether it is written in isync 1.0/1.1's SSL spelling (UseIMAPS, RequireSSL, ...)."""
        return any(line.keyword in LEGACY_SSL for line in self.section.lines[1:])


def flag(line: Optional[Line]) -> Optional[bool]:
    return None if line is None else line.value.lower() in _TRUE


def side_spec(line: Line) -> Optional[tuple[str, str]]:
    """``:store:box`` of a Far/Near line as (store, box); ``None`` when it is malformed (mbsync refuses it)."""
    value = line.value
    if not value.startswith(":") or ":" not in value[1:]:
        return None
    store, _, box = value[1:].partition(":")
    return store, box


def host_of(value: str) -> tuple[str, str]:
    """A Host value as (``imaps:``/``imap:``/``//`` prefix of the old URL notation, host)."""
    prefix = _URL.match(value).group()
    return prefix, value[len(prefix):]


def servers(config: MbsyncConfig) -> dict[str, Server]:
    found: dict[str, Server] = {}
    accounts = {s.name: s for s in reversed(config.sections) if s.kind == "imapaccount"}  # the first one counts
    stores: dict[str, list[Section]] = {}
    for section in config.sections:
        if section.kind == "imapaccount":
            stores.setdefault(f"account {section.name}", [])
        elif section.kind == "imapstore":
            account = section.get("Account")
            if account is not None and account.value in accounts:
                stores.setdefault(f"account {account.value}", []).append(section)
            elif account is None and (section.get("Host") or section.get("Tunnel")):
                stores.setdefault(f"store {section.name}", []).append(section)
    by_store = {store.name: key for key, sections in stores.items() for store in sections}
    sides: dict[str, list[Side]] = {}
    for channel in (s for s in config.sections if s.kind == "channel"):
        for line in channel.lines[1:]:
            spec = side_spec(line) if line.keyword in SIDES else None
            if spec is not None and spec[0] in by_store:
                sides.setdefault(by_store[spec[0]], []).append(Side(channel, line, spec[1]))
    for key, sections in stores.items():
        kind, _, name = key.partition(" ")
        section = accounts[name] if kind == "account" else sections[0]
        found[key] = Server(key, section, tuple(sections), tuple(sides.get(key, ())))
    return found


def account(server: Server) -> Account:
    section = server.section
    endpoint = endpoint_of(server)
    kind = "IMAPAccount" if section.kind == "imapaccount" else "IMAPStore"
    return Account(
        server.key, f"{kind} {section.name} ({endpoint.host or 'no host'})", section.line, endpoint,
        folders=tuple(dict.fromkeys(_folders(server))),
        subscribed_only=any(flag(store.get("SubscribedOnly")) for store in server.stores),
    )


def endpoint_of(server: Server) -> Endpoint:
    section = server.section
    host_line, tunnel = section.get("Host"), section.get("Tunnel")
    prefix, host = host_of(host_line.value) if host_line is not None else ("", None)
    if host is None and tunnel is not None:
        host = tunnel_host(tunnel.value)
    security = _security(server, prefix, tunnel is not None)
    port = section.get("Port")
    user, user_command = section.get("User"), section.get("UserCmd")
    return Endpoint(
        protocol="imap", host=host.lower() if host else None,
        port=int(port.value) if port is not None and port.value.isdigit() else 993 if security == "ssl" else 143,
        security=security, tls_outdated=_outdated(server, security), auth=_auth(section),
        username=user.value if user is not None else f"<UserCmd: {user_command.value}>" if user_command else None,
        has_password=section.get("Pass") is not None,
        certificate_unchecked=flag(section.get("SystemCertificates")) is False,
    )


def _security(server: Server, prefix: str, tunnel: bool) -> str:
    section = server.section
    if prefix.lower().startswith("imaps:"):
        return "ssl"
    if server.legacy:
        if flag(section.get("UseIMAPS")):
            return "ssl"
        # isync 1.0/1.1 took 'RequireSSL no' as STARTTLS only if the server offered it; 1.4 ignores the 'no'
        return "none" if flag(section.get("RequireSSL")) is False else "starttls"
    ssl_type = section.get("SSLType")
    if ssl_type is None:
        return "none" if tunnel else "starttls"
    return {"imaps": "ssl", "starttls": "starttls"}.get(ssl_type.value.lower(), "none")


def _outdated(server: Server, security: str) -> bool:
    """Whether the connection is pinned to TLS versions older than 1.2, which the service refuses."""
    return security != "none" and not tls_versions(server) & {"tlsv1.2", "tlsv1.3"}


def tls_versions(server: Server) -> set[str]:
    """The TLS versions mbsync (1.4) can use: those enabled, from the lowest up to the first one left out
    (OpenSSL takes no range with a hole in it).  With the 1.0/1.1 keywords TLS 1.0 is on unless switched
    off, and the later versions are off unless switched on."""
    section = server.section
    if server.legacy:
        enabled = {version for version, on in (
            ("tlsv1", flag(section.get("UseTLSv1")) is not False), ("tlsv1.1", flag(section.get("UseTLSv1.1"))),
            ("tlsv1.2", flag(section.get("UseTLSv1.2"))), ("tlsv1.3", flag(section.get("UseTLSv1.3")))) if on}
    else:
        versions = section.get("SSLVersions") or section.get("SSLVersion")
        enabled = {a.value.lower() for a in versions.args[1:]} if versions is not None else set(TLS_VERSIONS)
    usable: set[str] = set()
    for version in TLS_VERSIONS:
        if version in enabled:
            usable.add(version)
        elif usable:
            break
    return usable


def _auth(section: Section) -> str:
    if flag(section.get("RequireCRAM")):
        return "cram-md5"
    mechanisms = [arg.value.upper() for line in section.all("AuthMechs") + section.all("AuthMech") for arg in line.args[1:]]
    return next((m.lower() for m in mechanisms if m not in PLAIN_MECHANISMS), "plain")


def _folders(server: Server) -> Iterator[Folder]:
    for store in server.stores:
        path = store.get("Path")
        if path is not None:
            yield Folder(PATTERN, path.value + "*")
        trash = store.get("Trash")
        if trash is not None:
            yield Folder("trash", trash.value)
    for side in server.sides:
        patterns = patterns_of(side.channel)
        if side.box:
            yield Folder(PATTERN, side.box + "*") if patterns else Folder("mailbox", side.box)
        for pattern in patterns:
            yield Folder(PATTERN, pattern[1:] if pattern.startswith("!") else pattern)


def patterns_of(channel: Section) -> list[str]:
    return [arg.value for line in channel.all("Patterns") + channel.all("Pattern") for arg in line.args[1:]]
