"""Neutral changes made in Evolution's key files, in place: the account keeps its UID."""
from __future__ import annotations

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import new_values
from parsers.evolution.keyfile import KeyFileEditor
from parsers.evolution.sources import IDENTITY_FOLDERS
from parsers.evolution.sources import SECURITY_NICK
from parsers.evolution.sources import SourceAccount
from parsers.evolution.sources import folder_root


def migrate(source: SourceAccount, account: Account, changes: list[Change], notes: list[Note]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    incoming = new_values(changes, "incoming")
    if incoming or any(c.field in ("folder", "subscribed_only") for c in changes):
        editor = KeyFileEditor(source.account)
        if incoming.get("protocol") == "imap":
            editor.set("Mail Account", "BackendName", "imapx")
            editor.set("Mail Account", "NeedsInitialSetup", "true")  # finds the server's Sent, Drafts, ...
            editor.drop_group("Pop Backend")
            notes.append(Note(account.key, "evolution", "the POP account becomes IMAP in place (same UID): mail"
                              " already downloaded stays in On This Computer; close Evolution first"
                              " (evolution --force-shutdown)"))
        _server(editor, account.incoming, incoming)
        if any(c.field == "subscribed_only" for c in changes) or incoming.get("protocol") == "imap":
            for key in ("UseSubscriptions", "CheckSubscribed", "UseNamespace"):
                editor.set("Imapx Backend", key, "false")
            editor.set("Imapx Backend", "Namespace", "")
        documents[source.account.path] = editor.document()
        documents.update(_folders(source))
    outgoing = new_values(changes, "outgoing")
    if outgoing and source.transport is not None and account.outgoing is not None:
        editor = KeyFileEditor(source.transport)
        _server(editor, account.outgoing, outgoing, smtp=True)
        documents[source.transport.path] = editor.document()
    return documents


def _server(editor: KeyFileEditor, endpoint, values: dict, smtp: bool = False) -> None:
    if "host" in values:
        editor.set("Authentication", "Host", str(values["host"]))
    if "port" in values or "security" in values:
        editor.set("Authentication", "Port", str(values.get("port", endpoint.port)))
        editor.set("Security", "Method", SECURITY_NICK[str(values.get("security", endpoint.security))])
    if "username" in values:
        editor.set("Authentication", "User", str(values["username"]))
    if "auth" in values:
        editor.set("Authentication", "Method", "PLAIN")


def _folders(source: SourceAccount) -> dict[str, Document]:
    """Sent/drafts/templates and filter targets in the account lose a leading INBOX level."""
    root = folder_root(source.uid)
    documents: dict[str, Document] = {}
    if source.identity is not None:
        editor = KeyFileEditor(source.identity)
        for group, key, _ in IDENTITY_FOLDERS:
            uri = source.identity.get(group, key) or ""
            if uri.startswith(root) and _top_level(uri[len(root):]) != uri[len(root):]:
                editor.set(group, key, root + _top_level(uri[len(root):]))
        documents[source.identity.path] = editor.document()
    if source.filters is not None:
        edits = [Edit(i, i + 1, root + _top_level(t.text[len(root):])) for i, t in enumerate(source.filters.tokens)
                 if t.kind == "URI" and t.text.startswith(root) and _top_level(t.text[len(root):]) != t.text[len(root):]]
        documents[source.filters.path] = source.filters.apply(edits) if edits else source.filters
    return documents


def _top_level(path: str) -> str:
    head, sep, rest = path.partition("/")
    return rest if sep and head.upper() == "INBOX" and rest else path
