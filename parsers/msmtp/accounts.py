"""The neutral view of an msmtp or mpop file: one ``Account`` per ``account`` section, its values as the program
reads them (defaults and inheritance followed, built-in defaults filled in)."""
from __future__ import annotations

from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from parsers.msmtp.config import MSMTP
from parsers.msmtp.config import Program
from parsers.msmtp.config import Section
from parsers.msmtp.config import defaults

#: ``auth`` values in the neutral model's words: ``on`` (empty here) lets the program choose; ``login`` and
#: POP's ``user`` send the password as it is, as ``plain`` does
_AUTH = {"": "any", None: "none", "login": "plain", "user": "plain"}


def values(program: Program, settings: dict) -> dict[str, Optional[str]]:
    """Each setting's value for one account, the program's built-in ones where no line gives it."""
    return {**defaults(program), **{field: setting.value for field, setting in settings.items()}}


def security(found: dict[str, Optional[str]]) -> str:
    if found["tls"] != "on":
        return "none"
    return "starttls" if found["starttls"] == "on" else "ssl"


def port(program: Program, found: dict[str, Optional[str]]) -> int:
    if found.get("port") is not None:
        return int(str(found["port"]))
    return program.ports[security(found) == "ssl"]


def account(program: Program, section: Section, settings: dict) -> Account:
    found = values(program, settings)
    endpoint = Endpoint(
        protocol=program.protocol,
        host=found.get("host"),
        port=port(program, found),
        security=security(found),
        auth=_AUTH.get(found["auth"], found["auth"]),
        username=found.get("user"),
        has_password=found.get("password") is not None,
        certificate_unchecked=found["certcheck"] == "off" or found.get("fingerprint") is not None,
    )
    line = section.header.number if section.header else section.lines[0].number
    label = f"account {section.name}" + ("" if section.header else " (the lines before any account)")
    if program is MSMTP:  # an LMTP account delivers locally: it sends nothing to a mail service
        return Account(str(section.name), label, line, Endpoint(),
                       outgoing=endpoint if found["protocol"] == "smtp" else None)
    return Account(str(section.name), label, line, endpoint, keeps_mail_on_server=found["keep"] == "on", pop_only=True)
