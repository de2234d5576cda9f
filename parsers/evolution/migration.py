"""Neutral changes made in Evolution's key files, in place: the account keeps its UID."""
from __future__ import annotations

from typing import Callable

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import folder_moves
from migrate.model import new_values
from parsers.evolution.folders import moved_path
from parsers.evolution.keyfile import KeyFile
from parsers.evolution.sources import SECURITY_NICK
from parsers.evolution.sources import SourceAccount
from parsers.evolution.sources import folder_keys
from parsers.evolution.sources import rule_uris
from parsers.evolution.sources import tunnel_group
from parsers.inifile import IniEditor


def migrate(source: SourceAccount, account: Account, changes: list[Change], notes: list[Note]) -> dict[str, Document]:
    editors: dict[str, IniEditor] = {}

    def editor(keyfile: KeyFile) -> IniEditor:
        return editors.setdefault(keyfile.path, IniEditor(keyfile))

    incoming = new_values(changes, "incoming")
    if incoming or any(c.field == "subscribed_only" for c in changes):
        account_file = editor(source.account)
        if incoming.get("protocol") == "imap":
            account_file.set("Mail Account", "BackendName", "imapx")
            account_file.set("Mail Account", "NeedsInitialSetup", "true")  # finds the server's Sent, Drafts, ...
            account_file.drop_group("Pop Backend")
            notes.append(Note(account.key, "evolution", "the POP account becomes IMAP in place (same UID): mail"
                              " already downloaded stays in On This Computer; close Evolution first"
                              " (evolution --force-shutdown)"))
        _server(account_file, account.incoming, incoming)
        tunnel = tunnel_group(source.account)
        if incoming and tunnel is not None:
            account_file.set(tunnel, "UseShellCommand", "false")
            notes.append(Note(account.key, "evolution", f"[{tunnel}] UseShellCommand switched off: the account reached"
                              " its server through a command (ssh), which the new service does not offer; Evolution"
                              " now connects to it directly over TLS"))
        if any(c.field == "subscribed_only" for c in changes) or incoming.get("protocol") == "imap":
            for key in ("UseSubscriptions", "CheckSubscribed", "UseNamespace"):
                account_file.set("Imapx Backend", key, "false")
            account_file.set("Imapx Backend", "Namespace", "")
    documents: dict[str, Document] = _move_folders(source, folder_moves(changes), editor)
    outgoing = new_values(changes, "outgoing")
    if outgoing and source.transport is not None and account.outgoing is not None:
        _server(editor(source.transport), account.outgoing, outgoing, smtp=True)
    documents.update({path: edits.document() for path, edits in editors.items()})
    return documents


def _server(editor: IniEditor, endpoint, values: dict, smtp: bool = False) -> None:
    if "host" in values:
        editor.set("Authentication", "Host", str(values["host"]))
    if "port" in values or "security" in values:
        editor.set("Authentication", "Port", str(values.get("port", endpoint.port)))
        editor.set("Security", "Method", SECURITY_NICK[str(values.get("security", endpoint.security))])
    if "username" in values:
        editor.set("Authentication", "User", str(values["username"]))
    if "auth" in values:
        editor.set("Authentication", "Method", "PLAIN")


def _move_folders(
    source: SourceAccount, moves: dict[str, str], editor: Callable[[KeyFile], IniEditor]
) -> dict[str, Document]:
    """Every key and rule that names a moved folder of the account follows it; the rule files rewritten."""
    if not moves:
        return {}
    for found in folder_keys(source):
        new = moved_path(found.raw, moves) if found.root else moves.get(found.raw)
        if new is not None:
            editor(found.keyfile).set(found.group, found.key, found.root + new)
    edits: dict[str, list[Edit]] = {}
    documents = {document.path: document for document in source.rule_files}
    for document, index, raw in rule_uris(source):
        new = moved_path(raw, moves)
        if new is not None:
            root = document.tokens[index].text[: -len(raw)]
            edits.setdefault(document.path, []).append(Edit(index, index + 1, root + new))
    return {path: documents[path].apply(found) for path, found in edits.items()}
