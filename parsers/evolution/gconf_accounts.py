"""GConf accounts in neutral terms, and neutral changes made in their Camel URLs."""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Folder
from migrate.model import Note
from migrate.model import new_values
from parsers.evolution.camel import CamelUrl
from parsers.evolution.camel import parse_camel
from parsers.evolution.gconf import GconfAccount
from parsers.evolution.gconf import GconfFile
from parsers.evolution.gconf import escape_twice
from parsers.evolution.sources import SECURITY
from parsers.evolution.sources import SECURITY_NICK

PROTOCOLS = {"pop": "pop3", "imap": "imap", "imapx": "imap", "smtp": "smtp"}
_PORTS = {("imap", True): 993, ("pop3", True): 995, ("smtp", True): 465, ("imap", False): 143, ("pop3", False): 110,
          ("smtp", False): 25}
USE_SSL = {"always": "ssl", "": "ssl", "1": "ssl", "when-possible": "starttls", "never": "none"}
USE_SSL_VALUE = {"ssl": "always", "starttls": "when-possible", "none": "never"}
#: Parameters that go: POP-only ones, the namespace override and the subscription boxes.
_DROPPED = frozenset({"keep_on_server", "delete_after", "delete_expunged", "disable_extensions", "namespace",
                      "override_namespace", "use_lsub", "check_lsub"})


def url_of(gconf: GconfFile, account: GconfAccount, kind: str) -> Optional[CamelUrl]:
    field = next((f for f in account.fields if f.kind == kind), None)
    return parse_camel(gconf.value(field)) if field is not None else None


def endpoint(url: CamelUrl) -> Endpoint:
    protocol = PROTOCOLS[url.scheme.lower()]
    method = url.param("security-method")
    use_ssl = url.param("use_ssl")
    if method is not None:
        security = SECURITY.get(method[1] or "", "none")
    else:  # 2.x: no use_ssl at all was clear text
        security = USE_SSL.get(use_ssl[1] if use_ssl and use_ssl[1] is not None else ("" if use_ssl else "never"), "none")
    auth = (url.auth or "").upper()
    if protocol == "smtp" and url.user is None:
        auth_name = "none"
    else:
        auth_name = "plain" if auth in ("", "PLAIN", "LOGIN") else auth.lower()
    return Endpoint(protocol=protocol, host=url.host.lower(), port=url.port or _PORTS[(protocol, security == "ssl")],
                    security=security, auth=auth_name, username=url.user)


def account(gconf: GconfFile, entry: GconfAccount, line: int) -> Optional[Account]:
    source = url_of(gconf, entry, "source")
    if source is None or source.scheme.lower() not in PROTOCOLS:
        return None
    transport = url_of(gconf, entry, "transport")
    folders = []
    for field in entry.fields:
        if field.kind.endswith("-folder"):
            uri = parse_camel(gconf.value(field))
            if uri is not None and uri.host.lower() == source.host.lower() and uri.path.strip("/"):
                folders.append(Folder(field.kind.split("-")[0], uri.path.lstrip("/"), separator="/"))
    return Account(
        key=entry.uid, label=entry.name or entry.uid, line=line, incoming=endpoint(source),
        outgoing=endpoint(transport) if transport is not None and transport.scheme.lower() == "smtp" else None,
        folders=tuple(folders), subscribed_only=source.param("use_lsub") is not None or source.scheme.startswith("pop"),
        keeps_mail_on_server=entry.keep_on_server or source.param("keep_on_server") is not None,
    )


def migrate(gconf: GconfFile, entry: GconfAccount, account: Account, changes: list[Change], notes: list[Note]) -> list[Edit]:
    edits = []
    imapx = any(f.kind == "source" and gconf.value(f).startswith("imapx:") for a in gconf.accounts for f in a.fields)
    for field in entry.fields:
        url = parse_camel(gconf.value(field))
        if url is None:
            continue
        if field.kind == "source":
            new = _server_url(url, account.incoming, new_values(changes, "incoming"), "imapx" if imapx else "imap")
            new = dataclasses.replace(new, params=tuple(p for p in new.params if p[0] not in _DROPPED))
        elif field.kind == "transport" and account.outgoing is not None:
            new = _server_url(url, account.outgoing, new_values(changes, "outgoing"), "smtp")
        elif field.kind.endswith("-folder") and url.host.lower() == (account.incoming.host or ""):
            source = _server_url(url, account.incoming, new_values(changes, "incoming"), "imapx" if imapx else "imap")
            head, _, rest = url.path.lstrip("/").partition("/")
            path = "/" + (rest if head.upper() == "INBOX" and rest else url.path.lstrip("/"))
            new = dataclasses.replace(url, scheme=source.scheme, user=source.user, host=source.host, path=path)
        else:
            continue
        if str(new) != str(url):
            edits.append(Edit(field.index, field.index + 1, escape_twice(str(new))))
    if "incoming.protocol" in {c.field for c in changes}:
        notes.append(Note(account.key, "evolution", "the POP account becomes IMAP in place (same uid): mail already"
                          " downloaded stays in the local folders; close Evolution first (evolution --force-shutdown)"))
    return edits


def _server_url(url: CamelUrl, endpoint_: Endpoint, values: dict, protocol: str) -> CamelUrl:
    """The URL with the new server, port, security and login, in the spelling the file already uses."""
    if not values:
        return url
    security = str(values.get("security", endpoint_.security))
    params = [p for p in url.params if p[0] not in ("use_ssl", "security-method")]
    if url.param("security-method") is not None:
        params.append(("security-method", SECURITY_NICK[security]))
    else:
        params.append(("use_ssl", USE_SSL_VALUE[security]))
    scheme = url.scheme if "protocol" not in values and url.scheme.lower() != "pop" else protocol
    user = values.get("username", endpoint_.username)
    auth = url.auth
    if "auth" in values:
        auth = "PLAIN" if protocol == "smtp" else None  # IMAP with no mechanism: the plain LOGIN command
    return dataclasses.replace(url, scheme=scheme, user=str(user) if user is not None else None, auth=auth,
                               host=str(values.get("host", url.host)), port=int(str(values.get("port", endpoint_.port))),
                               path=url.path or "/", params=tuple(params))
