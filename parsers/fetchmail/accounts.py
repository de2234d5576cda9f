"""The neutral view of a parsed fetchmailrc: one ``Account`` per user of a poll.

fetchmail fills every setting a poll leaves out from the ``defaults`` entry,
user options included, so each lookup here tries the user, then the poll's
server options, then the defaults' user and server options; within one
scope the last mention wins, as it does in fetchmail.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.document import Token
from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.fetchmail.grammar import Entry
from parsers.fetchmail.grammar import Option
from parsers.fetchmail.grammar import User
from parsers.fetchmail.strings import value

#: 6.4 ``sslproto`` values that pin a version the service refuses (or that 6.3 meant otherwise).
OUTDATED_SSLPROTO = frozenset({"tls1", "tls1.1", "ssl2", "ssl3", "ssl23"})
_SERVICE_PORTS = {"imap": 143, "imaps": 993, "pop3": 110, "pop3s": 995, "pop2": 109, "kpop": 1109}
_DEFAULT_PORTS = {"imap": (143, 993), "auto": (143, 993), "pop2": (109, 109), "kpop": (1109, 1109),
                  "etrn": (25, 25), "odmr": (366, 366)}
#: Login prefixes that pick a mode of the server, not a user: Gmail's POP "recent mode" (``recent:jdoe@gmail.com``).
LOGIN_PREFIXES = ("recent:",)
_AUTH_NAMES = {"password": "plain", "cram": "cram-md5", "kerberos4": "kerberos", "kerberos_v4": "kerberos",
               "kerberos5": "kerberos", "kerberos_v5": "kerberos", "implicit": "ssh", "opie": "otp"}


@dataclasses.dataclass(frozen=True)
class Scope:
    """Where one account's settings can come from, most specific first."""

    entry: Entry
    user: Optional[User]  #: ``None``: the poll names no user and takes the defaults' one
    defaults: Optional[Entry]
    tokens: tuple[Token, ...]

    @property
    def default_user(self) -> Optional[User]:
        return self.defaults.users[0] if self.defaults and self.defaults.users else None

    def layers(self) -> list[tuple[str, list[Option]]]:
        layers = [("user", self.user.options if self.user else []), ("server", self.entry.options)]
        if self.defaults is not None:
            layers += [("defaults", self.default_user.options if self.default_user else []),
                       ("defaults", self.defaults.options)]
        return layers

    def find(self, *names: str, inherited: bool = False) -> tuple[Optional[Option], str]:
        """The option that decides a setting, and the scope it sits in.

        With ``inherited``, what the user would get without its own options.
        """
        found, where = self.find_all(*names, inherited=inherited)
        return (found[-1] if found else None), where

    def find_all(self, *names: str, inherited: bool = False) -> tuple[list[Option], str]:
        """Every mention in the most specific scope that has one: lists such as ``folder`` add up."""
        for where, options in self.layers()[1 if inherited else 0 :]:
            found = [option for option in options if option.name in names]
            if found and not self._unset(found[-1]):
                return found, where
        return [], ""

    def _unset(self, option: Option) -> bool:
        """``auth any`` is fetchmail's zero value: a scope that ends with it leaves the defaults' choice."""
        return option.name == "AUTHENTICATE" and self.tokens[option.values[-1]].text == "any"


def scopes(entries: list[Entry], tokens: tuple[Token, ...]) -> list[Scope]:
    defaults = next((entry for entry in entries if entry.kind == "defaults"), None)
    return [
        Scope(entry, user, defaults, tokens)
        for entry in entries if entry.kind != "defaults"
        for user in (entry.users or [None])
    ]


def account(key: str, scope: Scope, tokens: tuple[Token, ...], line: int) -> Account:
    def text(option: Optional[Option], at: int = 0) -> Optional[str]:
        return value(tokens[option.values[at]].text) if option and option.values else None

    protocol_option, _ = scope.find("PROTOCOL")
    protocol = (text(protocol_option) or "auto").lower()
    via, _ = scope.find("VIA")
    ssl, _ = scope.find("SSL", "NO SSL")
    sslproto = text(scope.find("SSLPROTO")[0])
    security = "ssl" if ssl and ssl.name == "SSL" else "starttls" if sslproto else "none"
    port_text = text(scope.find("SERVICE", "PORT")[0])
    auth = text(scope.find("AUTHENTICATE")[0]) or ("kerberos" if protocol == "kpop" else "any")
    remote = remote_name(scope, tokens)
    folders, _ = scope.find_all("FOLDER")
    keep, _ = scope.find("KEEP", "NO KEEP")
    certck, _ = scope.find("SSLCERTCK", "NO SSLCERTCK")
    _, pinned = scope.find("SSLFINGERPRINT")
    return Account(
        key=key,
        label=f"{scope.entry.kind} {value(tokens[scope.entry.name].text)}, "
              + (f"user {remote}" if remote is not None else "the local login name"),
        line=line,
        incoming=Endpoint(
            protocol=protocol,
            host=text(via) or value(tokens[scope.entry.name].text),
            port=_port(port_text, protocol, security),
            security=security,
            tls_outdated=(sslproto or "").lower() in OUTDATED_SSLPROTO,
            auth=_AUTH_NAMES.get(auth, auth),
            username=None if remote is None else split_login(remote)[1],
            has_password=scope.find("PASSWORD")[0] is not None,
            # a fingerprint in the defaults serves other polls too: it cannot go, so it is not asked to
            certificate_unchecked=(certck is not None and certck.name == "NO SSLCERTCK") or pinned == "user",
        ),
        folders=tuple(Folder("mailbox", value(tokens[i].text)) for option in folders for i in option.values),
        keeps_mail_on_server=keep is not None and keep.name == "KEEP",
    )


def remote_name(scope: Scope, tokens: tuple[Token, ...]) -> Optional[str]:
    """The server login; ``None`` when fetchmail sends the local login name."""
    for user in (scope.user, scope.default_user):
        if user is not None and user.remote is not None:
            return value(tokens[user.remote].text)
    return None


def split_login(remote: str) -> tuple[str, str]:
    """``(prefix, name)``: the prefix is part of the protocol, the name is the login rules look at."""
    prefix = next((p for p in LOGIN_PREFIXES if remote.lower().startswith(p)), "")
    return remote[: len(prefix)], remote[len(prefix) :]


def _port(service: Optional[str], protocol: str, security: str) -> Optional[int]:
    if service is None:
        plain, ssl = _DEFAULT_PORTS.get(protocol, (110, 995))
        return ssl if security == "ssl" else plain
    if service.isdigit():
        return int(service)
    return _SERVICE_PORTS.get(service.lower())
