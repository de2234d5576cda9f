"""Evolution 3.6+ accounts: ``<uid>.source`` key files, and the identity and transport beside each.

A standalone account is three files: the account (``Parent=`` empty,
``[Mail Account] IdentityUid``), its identity (``[Mail Submission]
TransportUid``, sent and drafts folders) and the transport.  Accounts inside a
collection (GNOME Online Accounts, ...) are rebuilt by their owner and left alone.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Optional
from urllib.parse import quote
from urllib.parse import unquote

from migrate.document import Document
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from migrate.plugins import Read
from parsers.evolution.keyfile import KeyFile
from parsers.evolution.keyfile import parse_keyfile

SECURITY = {"ssl-on-alternate-port": "ssl", "starttls-on-standard-port": "starttls", "none": "none"}
SECURITY_NICK = {value: key for key, value in SECURITY.items()}
BACKENDS = {"pop": "pop3", "imapx": "imap", "imap": "imap"}
_PORTS = {("imap", "ssl"): 993, ("pop3", "ssl"): 995, ("smtp", "ssl"): 465, ("imap", ""): 143, ("pop3", ""): 110,
          ("smtp", ""): 25}
IDENTITY_FOLDERS = (("Mail Submission", "SentFolder", "sent"), ("Mail Composition", "DraftsFolder", "drafts"),
                    ("Mail Composition", "TemplatesFolder", "templates"))
_FILTER_URI = re.compile(r'(?<=uri=")folder://[^"]*')


@dataclasses.dataclass(frozen=True)
class UriText(FileDocument):
    """A file kept as text, with each ``folder://`` URI in an attribute as its own token."""


def parse_uri_text(data: bytes, path: str) -> UriText:
    text, tokens, pos = decode(data), [], 0
    for match in _FILTER_URI.finditer(text):
        if match.start() > pos:
            tokens.append(Token("TEXT", text[pos : match.start()]))
        tokens.append(Token("URI", match.group()))
        pos = match.end()
    if pos < len(text):
        tokens.append(Token("TEXT", text[pos:]))
    return UriText(tuple(tokens), path)


@dataclasses.dataclass(frozen=True)
class SourceAccount:
    uid: str
    account: KeyFile
    identity: Optional[KeyFile]
    transport: Optional[KeyFile]
    filters: Optional[UriText]

    @property
    def files(self) -> dict[str, Document]:
        found = [self.account, self.identity, self.transport, self.filters]
        return {document.path: document for document in found if document is not None}


def is_mail_account(keyfile: KeyFile) -> bool:
    return (keyfile.get("Mail Account", "BackendName") or "") in BACKENDS and not keyfile.get("Data Source", "Parent")


def load(read: Read, path: str) -> Optional[SourceAccount]:
    data = read(path)
    if data is None:
        return None
    account = parse_keyfile(data, path)
    folder = os.path.dirname(path)

    def sibling(uid: Optional[str]) -> Optional[KeyFile]:
        if not uid or "/" in uid:
            return None
        name = os.path.join(folder, f"{uid}.source")
        content = read(name)
        return parse_keyfile(content, name) if content is not None else None

    identity = sibling(account.get("Mail Account", "IdentityUid"))
    transport = sibling(identity.get("Mail Submission", "TransportUid") if identity else None)
    filters_path = os.path.normpath(os.path.join(folder, "..", "mail", "filters.xml"))
    filters = read(filters_path)
    uid = os.path.basename(path)[: -len(".source")]
    return SourceAccount(uid, account, identity, transport, parse_uri_text(filters, filters_path) if filters else None)


def folder_root(uid: str) -> str:
    return "folder://" + quote(uid, safe="") + "/"


def endpoint(keyfile: KeyFile, protocol: str) -> Endpoint:
    security = SECURITY.get(keyfile.get("Security", "Method") or "none", "none")
    port = int(keyfile.get("Authentication", "Port") or 0) if (keyfile.get("Authentication", "Port") or "0").isdigit() else 0
    method = (keyfile.get("Authentication", "Method") or "none").strip() or "none"
    if protocol == "smtp":
        auth = "none" if method.lower() == "none" else ("plain" if method.upper() in ("PLAIN", "LOGIN") else method.lower())
    else:  # "none" is the plain LOGIN command (IMAP) or USER/PASS (POP)
        auth = "plain" if method.lower() == "none" or method.upper() in ("PLAIN", "LOGIN") else method.lower()
    return Endpoint(
        protocol=protocol, host=(keyfile.get("Authentication", "Host") or "").lower(),
        port=port or _PORTS[(protocol, "ssl" if security == "ssl" else "")], security=security, auth=auth,
        username=keyfile.get("Authentication", "User") or None,
    )


def account(source: SourceAccount, line: int) -> Account:
    keyfile = source.account
    protocol = BACKENDS[keyfile.get("Mail Account", "BackendName") or ""]
    root = folder_root(source.uid)
    folders = []
    if source.identity is not None:
        for group, key, role in IDENTITY_FOLDERS:
            uri = source.identity.get(group, key) or ""
            if uri.startswith(root):
                folders.append(Folder(role, unquote(uri[len(root):]), separator="/"))
    subscribed = keyfile.get("Imapx Backend", "UseSubscriptions")
    return Account(
        key=source.uid, label=keyfile.get("Data Source", "DisplayName") or source.uid, line=line,
        incoming=endpoint(keyfile, protocol),
        outgoing=endpoint(source.transport, "smtp") if source.transport is not None else None,
        folders=tuple(folders),
        # unset means the version's default (on up to 3.6): ask for it off, in so many words
        subscribed_only=protocol == "pop3" or subscribed is None or subscribed.lower() == "true",
        keeps_mail_on_server=(keyfile.get("Pop Backend", "KeepOnServer") or "").lower() == "true",
    )
