"""Evolution 3.6+ accounts: ``<uid>.source`` key files, and the identity and transport beside each.

A standalone account is three files: the account (``Parent=`` empty,
``[Mail Account] IdentityUid``), its identity (``[Mail Submission]
TransportUid``, sent and drafts folders) and the transport.  The rule files of
``~/.config/evolution/mail/`` (filters, search folders, saved searches) name
its folders too.  Accounts inside a collection (GNOME Online Accounts, ...) are
rebuilt by their owner and left alone.
"""
from __future__ import annotations

import dataclasses
import os
import re
from typing import Iterator
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
#: Folder URIs in the account's own file (``e-source-mail-account.c``).
ACCOUNT_FOLDERS = (("Mail Account", "ArchiveFolder", "archive"),)
#: Keys of the IMAP settings (``camel-imapx-settings.c``; ``[Imap Backend]`` up to 3.6) holding a folder's full name.
FULL_NAME_KEYS = (("RealTrashPath", "trash"), ("RealJunkPath", "junk"), ("RealNotJunkPath", "not-junk"))
IMAP_GROUPS = ("Imapx Backend", "Imap Backend")
#: Files of ``~/.config/evolution/mail/`` whose rules name folders by URI.
RULE_FILES = ("filters.xml", "vfolders.xml", "searches.xml")
_FILTER_URI = re.compile(r'(?<=uri=")[A-Za-z][A-Za-z0-9+.-]*:[^"]*')


@dataclasses.dataclass(frozen=True)
class UriText(FileDocument):
    """A file kept as text, with each URI in a ``uri=""`` attribute as its own token."""


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
    rule_files: tuple[UriText, ...] = ()

    @property
    def files(self) -> dict[str, Document]:
        found = [self.account, self.identity, self.transport, *self.rule_files]
        return {document.path: document for document in found if document is not None}


@dataclasses.dataclass(frozen=True)
class FolderKey:
    """A key naming a folder of the account: a URI under its ``folder://uid/`` root, or (``root=""``) a full name."""

    keyfile: KeyFile
    group: str
    key: str
    role: str
    root: str
    raw: str  #: the folder as written: the URI's path (encoded), or the full name


def folder_keys(source: SourceAccount) -> Iterator[FolderKey]:
    root = folder_root(source.uid)
    uri_keys = [(source.account, ACCOUNT_FOLDERS)] + ([(source.identity, IDENTITY_FOLDERS)] if source.identity else [])
    for keyfile, keys in uri_keys:
        for group, key, role in keys:
            uri = keyfile.get(group, key) or ""
            if uri.startswith(root) and uri[len(root):]:
                yield FolderKey(keyfile, group, key, role, root, uri[len(root):])
    for group in IMAP_GROUPS:
        for key, role in FULL_NAME_KEYS:
            name = source.account.get(group, key) or ""
            if name:
                yield FolderKey(source.account, group, key, role, "", name)


def rule_uris(source: SourceAccount) -> Iterator[tuple[UriText, int, str]]:
    """Each folder of the account a rule file names: the file, the URI's token, its encoded path."""
    root = folder_root(source.uid)
    for document in source.rule_files:
        for index, token in enumerate(document.tokens):
            if token.kind == "URI" and token.text.startswith(root) and token.text[len(root):]:
                yield document, index, token.text[len(root):]


def tunnel_group(keyfile: KeyFile) -> Optional[str]:
    """The IMAP settings group whose shell command is on: the account then talks through a command, not TLS."""
    for group in IMAP_GROUPS:
        if (keyfile.get(group, "UseShellCommand") or "").strip() in ("true", "1"):
            return group
    return None


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
    uid = os.path.basename(path)[: -len(".source")]
    return SourceAccount(uid, account, identity, transport, load_rule_files(read, os.path.join(folder, "..", "mail")))


def load_rule_files(read: Read, folder: str) -> tuple[UriText, ...]:
    """The rule files (``RULE_FILES``) that exist in ``folder``."""
    found = []
    for name in RULE_FILES:
        path = os.path.normpath(os.path.join(folder, name))
        content = read(path)
        if content is not None:
            found.append(parse_uri_text(content, path))
    return tuple(found)


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
    if protocol != "smtp" and tunnel_group(keyfile):
        security = "none"  # a command's pipe: no TLS to the host, which the service would need
    return Endpoint(
        protocol=protocol, host=(keyfile.get("Authentication", "Host") or "").lower(),
        port=port or _PORTS[(protocol, "ssl" if security == "ssl" else "")], security=security, auth=auth,
        username=keyfile.get("Authentication", "User") or None,
    )


def account(source: SourceAccount, line: int) -> Account:
    keyfile = source.account
    protocol = BACKENDS[keyfile.get("Mail Account", "BackendName") or ""]
    folders = [Folder(found.role, unquote(found.raw) if found.root else found.raw, separator="/")
               for found in folder_keys(source)]
    named = {folder.name for folder in folders}
    folders += [Folder("mailbox", name, separator="/") for name in dict.fromkeys(unquote(raw) for _, _, raw in rule_uris(source))
                if name not in named]
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
