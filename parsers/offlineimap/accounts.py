"""The neutral view of an offlineimaprc: one account per ``[Repository NAME]`` of ``type = IMAP``.

Values are read as offlineimap3 reads them: the repository's own option, else ``[DEFAULT]``'s,
interpolated.  ``ssl`` with no value counts as unknown, since its default changed from no
(6.x) to yes (7.0); an ``*eval`` option or a tunnel is Python or a command that is never run:
a host or port found there only when it is a plain literal.
"""
from __future__ import annotations

import ast
import dataclasses
import warnings
from typing import Optional

from migrate.model import PATTERN
from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.ini import IniFile
from parsers.ini import boolean as parse_boolean
from parsers.offlineimap.interpolation import value
from parsers.tunnel import tunnel_host

REPOSITORY = "Repository "
TUNNELS = ("preauthtunnel", "transporttunnel")
PLAIN_MECHANISMS = frozenset({"PLAIN", "LOGIN"})
#: ``ssl_version`` values older than TLS 1.2, which the service refuses
OUTDATED_VERSIONS = frozenset({"ssl2", "ssl3", "ssl23", "tls1", "tls1_1"})


@dataclasses.dataclass(frozen=True)
class Repository:
    name: str

    @property
    def section(self) -> str:
        return REPOSITORY + self.name

    @property
    def key(self) -> str:
        return self.section


def repositories(ini: IniFile) -> list[Repository]:
    """The IMAP repositories (``type = IMAP``; Gmail's type is another provider's)."""
    return [Repository(s.name[len(REPOSITORY):]) for s in ini.sections
            if s.name.startswith(REPOSITORY) and (value(ini, s.name, "type") or "").strip() == "IMAP"]


def accounts_using(ini: IniFile) -> dict[str, list[str]]:
    """Repository name -> the ``[Account NAME]`` sections that sync with it (found once, not per repository:
    a file can have hundreds of each)."""
    found: dict[str, list[str]] = {}
    for section in ini.sections:
        if section.name.startswith("Account "):
            sides = (value(ini, section.name, "remoterepository"), value(ini, section.name, "localrepository"))
            for name in dict.fromkeys(side for side in sides if side is not None):
                found.setdefault(name, []).append(section.name)
    return found


def boolean(ini: IniFile, section: str, name: str) -> Optional[bool]:
    return parse_boolean(value(ini, section, name))


def literal(ini: IniFile, section: str, name: str) -> object:
    """An ``*eval`` option that is a plain literal (``"imap.example.org"``, ``993``), else ``None``."""
    code = value(ini, section, name)
    try:
        with warnings.catch_warnings():  # the user's Python: an invalid escape in it is not ours to warn of
            warnings.simplefilter("ignore")
            return ast.literal_eval(code.strip()) if code is not None else None
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def account(ini: IniFile, repository: Repository) -> Account:
    section = repository.section
    endpoint = endpoint_of(ini, section)
    folders = ()
    reference = (value(ini, section, "reference") or "").strip()
    if reference.startswith('"') and reference.endswith('"'):
        reference = reference[1:-1]
    if reference:  # offlineimap lists, and creates, only below it
        folders = (Folder(PATTERN, reference.rstrip("./") + ".*"),)
    option = ini.option(section, "type", inherited=True)
    return Account(repository.key, f"[{section}] ({endpoint.host or 'no host'})", option.line if option else 1,
                   endpoint, folders=folders, subscribed_only=bool(boolean(ini, section, "subscribedonly")))


def endpoint_of(ini: IniFile, section: str) -> Endpoint:
    host = _host(ini, section)
    ssl = boolean(ini, section, "ssl")
    tunnel = any(value(ini, section, name) for name in TUNNELS)
    security = None if ssl is None else "ssl" if ssl and not tunnel else "none"
    port = literal(ini, section, "remoteporteval") if ini.option(section, "remoteporteval", True) else None
    if not isinstance(port, int):
        text = (value(ini, section, "remoteport") or "").strip()
        port = int(text) if text.isdigit() else 993 if ssl else 143  # ssl unknown: 6.x's reading, no TLS on 143
    mechanisms = [m.strip().upper() for m in (value(ini, section, "auth_mechanisms") or "").split(",") if m.strip()]
    return Endpoint(
        protocol="imap", host=host.lower() if host else None, port=port, security=security,
        tls_outdated=(value(ini, section, "ssl_version") or "").strip().lower() in OUTDATED_VERSIONS,
        auth=next((m.lower() for m in mechanisms if m not in PLAIN_MECHANISMS), "plain"),
        username=_user(ini, section), has_password=ini.option(section, "remotepass", True) is not None,
        certificate_unchecked=bool((value(ini, section, "cert_fingerprint") or "").strip()),
    )


def _host(ini: IniFile, section: str) -> Optional[str]:
    if ini.option(section, "remotehosteval", True) is not None:
        host = literal(ini, section, "remotehosteval")
        return host if isinstance(host, str) else None
    host = (value(ini, section, "remotehost") or "").strip()
    if host:
        return host
    return next((tunnel_host(command) for name in TUNNELS for command in [value(ini, section, name)] if command), None)


def _user(ini: IniFile, section: str) -> Optional[str]:
    if ini.option(section, "remoteusereval", True) is not None:
        user = literal(ini, section, "remoteusereval")
        return user if isinstance(user, str) else f"<remoteusereval: {value(ini, section, 'remoteusereval')}>"
    return value(ini, section, "remoteuser")
