"""GConf accounts in neutral terms, and neutral changes made in their Camel URLs."""
from __future__ import annotations

import dataclasses
from typing import Iterator
from typing import Mapping
from typing import Optional
from urllib.parse import quote
from urllib.parse import unquote

from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Folder
from migrate.model import Note
from migrate.model import folder_moves
from migrate.model import new_values
from parsers.evolution.camel import CamelUrl
from parsers.evolution.camel import parse_camel
from parsers.evolution.folders import moved_path
from parsers.evolution.gconf import GconfAccount
from parsers.evolution.gconf import GconfFile
from parsers.evolution.gconf import GconfSetup
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
#: Source URL parameters holding a folder's full name: 2.x spelling, then 3.2 - 3.4 (``camel-imap-settings.c``).
FOLDER_PARAMS = {"real_trash_path": "trash", "real_junk_path": "junk", "real-trash-path": "trash",
                 "real-junk-path": "junk", "real-not-junk-path": "not-junk"}
#: The checkbox that makes IMAP talk through a shell command: 2.x (with ``command``), 3.2 - 3.4.
TUNNEL_PARAMS = ("use_command", "use-shell-command")


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
    port = url.port or _PORTS[(protocol, security == "ssl")]
    if protocol == "imap" and tunnel_param(url):
        security = "none"  # a command's pipe: no TLS to the host, which the service would need
    return Endpoint(protocol=protocol, host=url.host.lower(), port=port, security=security, auth=auth_name,
                    username=url.user)


def tunnel_param(url: CamelUrl) -> Optional[str]:
    """The parameter that switches the IMAP connection to a shell command, when it is on.

    2.x providers test presence and need ``command`` too; 3.2 - 3.4 read the
    value (a bare name is true) and fall back to the default ``ssh`` command.
    """
    legacy = url.param("use_command")
    if legacy is not None and url.param("command") is not None:
        return "use_command"
    current = url.param("use-shell-command")
    if current is not None and (current[1] or "true").strip().lower() in ("true", "1", "yes"):
        return "use-shell-command"
    return None


def folder_params(url: CamelUrl) -> Iterator[tuple[str, str]]:
    """Each folder named in the source URL's parameters: its role and its encoded full name."""
    for name, value in url.params:
        if name in FOLDER_PARAMS and value:
            yield FOLDER_PARAMS[name], value


def uid_roots(entry: GconfAccount) -> tuple[str, ...]:
    """The account-relative folder URI prefixes: ``email://<uid>/`` (2.x) and ``folder://<uid, encoded>/`` (3.x)."""
    return (f"email://{entry.uid}/", f"folder://{quote(entry.uid, safe='')}/") if entry.uid else ()


def folder_path(entry: GconfAccount, source: CamelUrl, uri: str) -> Optional[str]:
    """The encoded folder path of a URI naming a folder of the account, in any of the spellings
    ``e_mail_folder_uri_parse`` reads (those two, or a Camel URL of the store); else ``None``."""
    for root in uid_roots(entry):
        if uri.startswith(root) and uri[len(root):]:
            return uri[len(root):]
    url = parse_camel(uri)
    if url is None or url.scheme.lower() not in PROTOCOLS or url.host.lower() != source.host.lower():
        return None
    if url.user is not None and source.user is not None and url.user.lower() != source.user.lower():
        return None  # another account on the same server
    return url.path.lstrip("/") or None


def account(setup: GconfSetup, entry: GconfAccount, line: int) -> Optional[Account]:
    gconf = setup.gconf
    source = url_of(gconf, entry, "source")
    if source is None or source.scheme.lower() not in PROTOCOLS:
        return None
    transport = url_of(gconf, entry, "transport")
    folders = [Folder(role, unquote(raw), separator="/") for role, raw in folder_params(source)]
    for field in entry.fields:
        path = folder_path(entry, source, gconf.value(field)) if field.kind.endswith("-folder") else None
        if path is not None:
            folders.append(Folder(field.kind.split("-")[0], unquote(path), separator="/"))
    named = {folder.name for folder in folders}
    folders += [Folder("mailbox", name, separator="/") for name in dict.fromkeys(unquote(path) for _, _, path in
                                                                               rule_uris(setup, entry, source))
                if name not in named]
    return Account(
        key=entry.uid, label=entry.name or entry.uid, line=line, incoming=endpoint(source),
        outgoing=endpoint(transport) if transport is not None and transport.scheme.lower() == "smtp" else None,
        folders=tuple(folders), subscribed_only=source.param("use_lsub") is not None or source.scheme.startswith("pop"),
        keeps_mail_on_server=entry.keep_on_server or source.param("keep_on_server") is not None,
    )


def migrate(gconf: GconfFile, entry: GconfAccount, account: Account, changes: list[Change], notes: list[Note]) -> list[Edit]:
    edits = []
    imapx = gconf.uses_imapx
    incoming, moves = new_values(changes, "incoming"), folder_moves(changes)
    source_url = url_of(gconf, entry, "source")
    for field in entry.fields:
        url = parse_camel(gconf.value(field))
        if url is None:
            continue
        if field.kind == "source":
            new = _server_url(url, account.incoming, incoming, "imapx" if imapx else "imap")
            tunnel = tunnel_param(url) if incoming else None
            if tunnel is not None:
                notes.append(Note(account.key, "evolution", f"{tunnel} removed from the receiving URL: the account reached"
                                  " its server through a command (ssh), which the new service does not offer; Evolution"
                                  " now connects to it directly over TLS"))
            new = dataclasses.replace(new, params=tuple(
                (name, _moved_param(name, value, moves)) for name, value in new.params
                if name not in _DROPPED and name != tunnel))
        elif field.kind == "transport" and account.outgoing is not None:
            new = _server_url(url, account.outgoing, new_values(changes, "outgoing"), "smtp")
        elif field.kind.endswith("-folder") and source_url is not None:
            new_text = _moved_folder(entry, source_url, gconf.value(field), account, incoming, moves, imapx)
            if new_text is not None and new_text != gconf.value(field):
                edits.append(Edit(field.index, field.index + 1, escape_twice(new_text)))
            continue
        else:
            continue
        if str(new) != str(url):
            edits.append(Edit(field.index, field.index + 1, escape_twice(str(new))))
    if "incoming.protocol" in {c.field for c in changes}:
        notes.append(Note(account.key, "evolution", "the POP account becomes IMAP in place (same uid): mail already"
                          " downloaded stays in the local folders; close Evolution first (evolution --force-shutdown)"))
    return edits


def rule_uris(setup: GconfSetup, entry: GconfAccount, source: CamelUrl) -> Iterator[tuple[object, int, str]]:
    """Each folder of the account a rule file names: the file, the URI's token, its encoded path."""
    for document, index in setup.uris_near(uid_roots(entry), source.host, source.user):
        path = folder_path(entry, source, document.tokens[index].text)
        if path is not None:
            yield document, index, path


def migrate_rules(setup: GconfSetup, entry: GconfAccount, account: Account, changes: list[Change]) -> dict[str, list[Edit]]:
    """Edits of the rule files: the account's folders moved (and, in the store URL spelling, on the new server)."""
    source = url_of(setup.gconf, entry, "source")
    if source is None:
        return {}
    imapx = setup.gconf.uses_imapx
    incoming, moves = new_values(changes, "incoming"), folder_moves(changes)
    edits: dict[str, list[Edit]] = {}
    for document, index, _ in rule_uris(setup, entry, source):
        uri = document.tokens[index].text
        new = _moved_folder(entry, source, uri, account, incoming, moves, imapx)
        if new is not None and new != uri:
            edits.setdefault(document.path, []).append(Edit(index, index + 1, new))
    return edits


def _moved_param(name: str, value: Optional[str], moves: Mapping[str, str]) -> Optional[str]:
    if name in FOLDER_PARAMS and value:
        return moved_path(value, moves) or value
    return value


def _moved_folder(entry: GconfAccount, source: CamelUrl, uri: str, account: Account, incoming: dict,
                  moves: Mapping[str, str], imapx: bool) -> Optional[str]:
    """A drafts/sent folder URI of the account after the move (and, in the Camel spelling, on the new server)."""
    path = folder_path(entry, source, uri)
    if path is None:
        return None
    new_path = moved_path(path, moves) or path
    if any(uri.startswith(root) for root in uid_roots(entry)):
        return uri[: len(uri) - len(path)] + new_path
    url = parse_camel(uri)
    server = _server_url(url, account.incoming, incoming, "imapx" if imapx else "imap")
    moved = dataclasses.replace(url, scheme=server.scheme, user=server.user, host=server.host, path="/" + new_path)
    return str(moved) if str(moved) != str(url) else uri  # never a spelling change alone


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
