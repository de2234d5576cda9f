"""The neutral view of a mutt setup: one account per server it names.

Reading servers (``imap[s]://``, ``pop[s]://``, ``$pop_host``) and sending
servers (``smtp[s]://``) are separate accounts: one muttrc often reads from
one place and sends through another, and each is judged on its own host.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.mutt.certificates import unchecked
from parsers.mutt.patterns import folder_start
from parsers.mutt.patterns import skeleton
from parsers.mutt.references import Findings
from parsers.mutt.references import Ref
from parsers.mutt.urls import Url
from parsers.mutt.urls import parse_url

PLAIN_METHODS = frozenset({"login", "plain", "user"})


@dataclasses.dataclass(frozen=True)
class Server:
    key: str  #: ``imap://host``, ``pop://host`` or ``smtp://host``
    kind: str  #: ``imap``, ``pop`` or ``smtp``
    host: str  #: lower case
    refs: tuple[Ref, ...]
    patterns: tuple[Ref, ...] = ()  #: hook patterns naming it


def hook_user(server: Server, found: Findings) -> Optional[Ref]:
    """The ``imap_user`` that a hook for this server sets (an ``account-hook`` runs before mutt
    logs in): the account's user when its URLs name none.  The last one wins, as in mutt."""
    if server.kind == "smtp":
        return None
    users = found.hook_users.get(server.host)
    return users[-1] if users else None


def kind_of(url: Url) -> str:
    return url.scheme.rstrip("s")


def servers(found: Findings) -> list[Server]:
    """One account per login mutt makes: a kind of server, a host and the user it logs in as.

    A URL naming no user logs in as the default one (the ``imap_user`` a hook sets for
    the host, else ``imap_user``/``pop_user``): it belongs with the URLs naming that user.
    The first login to a host is keyed ``kind://host``, any other ``kind://user@host``.
    """
    grouped: dict[tuple[str, str, Optional[str]], tuple[list[Ref], list[Ref]]] = {}
    for ref in found.refs:
        server = ref.server
        if server is not None:
            kind, host = kind_of(server), server.host.replace(chr(92), "").lower()
            refs, patterns = grouped.setdefault((kind, host, server.user or _default_user(kind, host, found)), ([], []))
            (patterns if ref.pattern else refs).append(ref)
    pop = pop_host(found)
    if pop is not None:
        grouped.setdefault(("pop", pop.host.lower(), pop.user or _default_user("pop", pop.host.lower(), found)), ([], []))
    keyed: set[tuple[str, str]] = set()
    found_servers = []
    for (kind, host, user), (refs, patterns) in grouped.items():
        key = f"{kind}://{host}" if (kind, host) not in keyed else f"{kind}://{user}@{host}"
        keyed.add((kind, host))
        found_servers.append(Server(key, kind, host, tuple(refs), tuple(patterns)))
    return found_servers


def _default_user(kind: str, host: str, found: Findings) -> Optional[str]:
    if kind == "smtp":
        return None
    users = found.hook_users.get(host)
    return users[-1].text if users else found.value(f"{kind}_user")


def pop_host(found: Findings) -> Optional[Url]:
    value = found.value("pop_host")
    if not value:
        return None
    return parse_url(value if "://" in value else "pop://" + value)


def account(server: Server, found: Findings, line: int) -> Account:
    if server.kind == "smtp":
        return Account(server.key, f"sending through {server.host}", line, Endpoint(),
                       outgoing=_endpoint(server, found, "smtp"))
    return Account(
        server.key, f"{'IMAP' if server.kind == 'imap' else 'POP'} on {server.host}", line,
        _endpoint(server, found, server.kind),
        folders=tuple(Folder("mailbox", name) for name in _folder_names(server) if name),
        subscribed_only=server.kind != "smtp" and (
            "yes" in (found.value("imap_check_subscribed"), found.value("imap_list_subscribed"))
            or bool(found.subscriptions)),
    )


def _folder_names(server: Server) -> list[Optional[str]]:
    """The folders the server's names stand for, and those its hook patterns name."""
    names = [ref.mailbox for ref in server.refs]
    for ref in server.patterns:
        start = folder_start(ref.text, server.host)
        names.append(skeleton(ref.text[start:]) if start is not None else None)
    return names


def _endpoint(server: Server, found: Findings, kind: str) -> Endpoint:
    urls = [ref.url for ref in server.refs if ref.url is not None]
    if kind == "pop" and not urls:
        urls = [u for u in (pop_host(found),) if u is not None]
    if not urls:  # named by hooks only: their patterns say how
        urls = [ref.url for ref in server.patterns if ref.url is not None]
    url = urls[0] if urls else None
    forced = found.value("ssl_force_tls") == "yes"
    secure = url is not None and url.scheme.endswith("s")
    in_hook = hook_user(server, found)
    user = (next((u.user for u in urls if u.user), None) or (in_hook.text if in_hook else None)
            or found.value(f"{'imap' if kind == 'smtp' else kind}_user"))
    if user is None and kind == "smtp":  # who sends is who reads: the user of $folder
        folder = parse_url(found.value("folder") or "")
        user = folder.user if folder is not None else None
    methods = (found.value(f"{kind}_authenticators") or "").lower().split(":")
    if kind == "smtp" and not any(u.user for u in urls):
        auth = "none"  # mutt logs in to SMTP only when the URL names a user
    else:
        auth = next((m for m in methods if m and m not in PLAIN_METHODS), "plain")
    return Endpoint(
        protocol={"imap": "imap", "pop": "pop3", "smtp": "smtp"}[kind], host=server.host,
        port=url.effective_port if url else {"imap": 143, "pop": 110, "smtp": 25}[kind],
        security="ssl" if secure else ("starttls" if forced else "none"),
        auth=auth, username=user,
        has_password=bool(found.value(f"{kind}_pass")) or any(u.password for u in urls),
        certificate_unchecked=unchecked(found, server.host),
    )
