"""The neutral view of a pinerc: one account per server its remote names point at."""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.pine.cclient import Spec
from parsers.pine.cclient import parse_spec
from parsers.pine.pinerc import Element
from parsers.pine.pinerc import Pinerc
from parsers.pine.pinerc import value_of

_DEFAULT_PORTS = {("imap", False): 143, ("imap", True): 993, ("pop3", False): 110, ("pop3", True): 995,
                  ("smtp", False): 25, ("smtp", True): 465}
SSL_SWITCHES = frozenset({"ssl", "tls1", "tls1_1", "tls1_2", "tls1_3"})
#: The switch that stops c-client checking the certificate; matched whole, in any case, as c-client does.
NO_CHECK = "novalidate-cert"


@dataclasses.dataclass(frozen=True)
class Name:
    """One remote name in the file."""

    element: Element
    spec: Spec
    maildrop: Optional[str] = None  #: ``#move`` mail drops: the text around the spec, ``{}`` standing for it


def names(pinerc: Pinerc) -> list[Name]:
    found = []
    for element in pinerc.elements:
        text = value_of(pinerc.tokens[element.index].text, element.variable).text
        maildrop = None
        if text.lower().startswith("#move") and len(text) > 6:
            delimiter = text[5]
            drop, _, dest = text[6:].partition(delimiter)
            maildrop, text = f"#move{delimiter}{{}}{delimiter}{dest}", drop
        spec = parse_spec(text, braces=element.variable != "smtp-server")
        if spec is not None and spec.service in ("imap", "pop3", "smtp"):
            found.append(Name(element, spec, maildrop))
    return found


def servers(pinerc: Pinerc) -> dict[str, list[Name]]:
    """The names of each login on each server: one account each.

    Names with their own ``/user=`` are a login of their own, so each is
    rewritten from its own user; names without one join the server's main
    login (that of ``inbox-path``, else the first written), whose user
    Alpine offers when it asks.
    """
    by_server: dict[str, list[Name]] = {}
    for name in names(pinerc):
        by_server.setdefault(f"{name.spec.service}://{name.spec.host.lower()}", []).append(name)
    grouped: dict[str, list[Name]] = {}
    for key, found in by_server.items():
        main = _main_user(found)
        for name in found:
            user = name.spec.user if name.spec.user is not None else main
            service, _, host = key.partition("://")
            grouped.setdefault(key if user == main else f"{service}://{user}@{host}", []).append(name)
    return grouped


def _main_user(found: list[Name]) -> Optional[str]:
    ordered = sorted(found, key=lambda n: n.element.variable != "inbox-path")
    return next((n.spec.user for n in ordered if n.spec.user is not None), None)


def reading_user(pinerc: Pinerc) -> Optional[str]:
    """Who reads mail (the user of inbox-path, else of any remote folder): who sends, too."""
    specs = sorted((n for n in names(pinerc) if n.spec.service != "smtp"), key=lambda n: n.element.variable != "inbox-path")
    return next((n.spec.user for n in specs if n.spec.user), None)


def account(key: str, found: list[Name], line: int, reader: Optional[str] = None, shared: bool = False) -> Account:
    """The account of one login; ``shared`` when other logins use the same server (its label names the user)."""
    spec = next((n.spec for n in found if n.element.variable == "inbox-path"), found[0].spec)
    endpoint = endpoint_of(spec, [n.spec for n in found])
    as_user = f" as {endpoint.username}" if shared and endpoint.username is not None else ""
    if spec.service == "smtp" and endpoint.username is None:
        endpoint = dataclasses.replace(endpoint, username=reader)
    if spec.service == "smtp":
        return Account(key, f"sending through {spec.host}{as_user}", line, Endpoint(), outgoing=endpoint)
    folders = tuple(Folder("mailbox", n.spec.mailbox) for n in found
                    if n.spec.mailbox and "[" not in n.spec.mailbox and n.maildrop is None)
    kind = "POP" if spec.service == "pop3" else "IMAP"
    return Account(key, f"{kind} on {spec.host}{as_user}", line, endpoint, folders=folders)


def endpoint_of(spec: Spec, specs: list[Spec]) -> Endpoint:
    ssl = spec.switch(*SSL_SWITCHES) is not None
    starttls = spec.switch("tls", "starttls") is not None
    user = next((s.user for s in specs if s.user), None)
    if spec.service == "smtp" and user is None and spec.switch("secure") is None:
        auth = "none"  # c-client logs in to SMTP only with /user= or /secure
    else:
        auth = "secure" if spec.switch("secure") else "plain"
    return Endpoint(
        protocol=spec.service, host=spec.host.lower(),
        port=spec.port or (587 if spec.switch("submit") and not ssl else _DEFAULT_PORTS[(spec.service, ssl)]),
        security="ssl" if ssl else "starttls" if starttls else "none", auth=auth, username=user,
        certificate_unchecked=any(s.switch(NO_CHECK) is not None for s in specs),
    )
