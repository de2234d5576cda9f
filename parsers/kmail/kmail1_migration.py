"""Neutral changes made in ``kmailrc`` and in the folder ids of ``emailidentities``, in place.

A POP account becomes IMAP in place and keeps its ``Id``: at its next start KMail makes the IMAP
folder tree of every ``imap`` account, named by that ``Id``, and makes it the account's folder
whatever ``Folder`` said (``KMKernel::init``); the mail POP downloaded stays in the local folder
it was put in, and the POP settings left in the group are ignored (KMail drops them when it next
saves its accounts).  An appended account instead would leave a POP account checking a server
that no longer answers, and lose what names the account by its ``Id`` (filters' ``accounts-set``).

The namespaces the old server announced go (``0``, ``1``, ``2``, ``Namespace:<prefix>``, the
older ``prefix``): KMail asks the server for its own when none are stored
(``ImapAccountBase::slotSchedulerSlaveConnected``).
"""
from __future__ import annotations

from migrate.document import Document
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.model import folder_moves
from migrate.model import new_values
from parsers.inifile import IniEditor
from parsers.kmail import folder_ids
from parsers.kmail.kmail1 import Kmail1Setup
from parsers.kmail.kmail1 import kind
from parsers.kmail.kmail1 import stores_password
from parsers.kmail.transports import KDE3_SPELLING
from parsers.kmail.transports import set_transport
from parsers.kmail.wallet import wallet_note

_NAMESPACE_KEYS = ("0", "1", "2", "prefix")


def migrate(setup: Kmail1Setup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
    editors = {document.path: IniEditor(document) for document in setup.id_files()}
    notes: list[Note] = []
    grouped = by_account(changes)
    for account in accounts:
        mine = grouped.get(account.key, [])
        if mine and account.outgoing is not None:
            _transport(setup, editors[setup.rc.path], account, mine, notes)
        elif mine:
            _account(setup, editors, account, mine, notes)
    return {path: editor.document() for path, editor in editors.items()}, notes


def _account(setup: Kmail1Setup, editors: dict[str, IniEditor], account: Account, changes: list[Change],
             notes: list[Note]) -> None:
    group, rc, endpoint = account.key, editors[setup.rc.path], account.incoming
    values = new_values(changes, "incoming")
    converting = values.get("protocol") == "imap"
    if converting:
        rc.set(group, "Type", "imap")
        notes.append(Note(account.key, "kmail", f"the POP account becomes IMAP in place (same Id): the mail POP"
                          f" downloaded stays in the local folder {setup.rc.get(group, 'Folder') or 'inbox'!r}; KMail makes"
                          " the IMAP folders at its next start"))
    if "host" in values:
        rc.set(group, "host", str(values["host"]))
    if converting or "port" in values or "security" in values:
        security = values.get("security", endpoint.security)
        rc.set(group, "port", str(values.get("port", endpoint.port)))
        rc.set(group, "use-ssl", "true" if security == "ssl" else "false")
        rc.set(group, "use-tls", "true" if security == "starttls" else "false")
    imap = converting or endpoint.protocol == "imap"
    if "auth" in values or converting and (setup.rc.get(group, "auth") or "*").upper() not in ("*", "LOGIN", "PLAIN"):
        rc.set(group, "auth", "*" if imap else "USER")  # IMAP's LOGIN command, POP's USER/PASS: the password as it is
    if "username" in values:
        rc.set(group, "login", str(values["username"]))
    if "password" in values:
        rc.set(group, "store-passwd", "false")
        rc.remove(group, "pass")
        rc.remove(group, "passwd")
    else:
        notes += wallet_note(account.key, endpoint, stores_password(setup, group),
                             f"folder kmail, account-{setup.rc.get(group, 'Id') or '?'}")
    if any(c.field == "subscribed_only" for c in changes):
        rc.set(group, "subscribed-folders", "false")
    moves = folder_moves(changes)
    if "host" in values or moves:
        for key in setup.rc.keys(group):
            if key in _NAMESPACE_KEYS or key.startswith("Namespace:"):
                rc.remove(group, key)
    if moves:
        _move_folder_ids(setup, editors, account, setup.rc.get(group, "Id") or "", moves, notes)
    if kind(setup, group) == "cachedimap" and ("host" in values or moves):
        notes.append(Note(account.key, "kmail", "a disconnected IMAP account keeps a copy of the old server's"
                          " folders: after the first check, use Refresh Local IMAP Cache on it"))


def _move_folder_ids(setup: Kmail1Setup, editors: dict[str, IniEditor], account: Account, account_id: str,
                     moves: dict[str, str], notes: list[Note]) -> None:
    """Every value naming a moved folder (identities, filters, the account's trash, ...), and every
    ``[Folder-<id>]`` group of its settings, follows it."""
    for document in setup.id_files():
        for entry in document.entries:
            new = folder_ids.moved(document.value(entry), account_id, moves) if entry.value_index >= 0 else None
            if new is not None:
                editors[document.path].set_entry(entry, new)
    groups = set(setup.rc.group_names())
    for name, header in setup.rc.groups:
        new = folder_ids.moved(name[len("Folder-"):], account_id, moves) if name.startswith("Folder-") else None
        text = setup.rc.tokens[header].text
        if new is None:
            continue
        if f"Folder-{new}" in groups or name not in text:
            notes.append(Note(account.key, "kmail", f"the settings of folder {name[len('Folder-'):]!r} stay under its"
                              " old name (a group of the new name is there already, or the name is escaped)"))
            continue
        editors[setup.rc.path].rename(header, text.replace(name, f"Folder-{new}", 1))


def _transport(setup: Kmail1Setup, rc: IniEditor, account: Account, changes: list[Change], notes: list[Note]) -> None:
    assert account.outgoing is not None
    set_transport(rc, account.key, account.outgoing, new_values(changes, "outgoing"), KDE3_SPELLING)
    if not any(c.field == "outgoing.password" for c in changes):
        notes += wallet_note(account.key, account.outgoing, setup.flag(account.key, "storepass"),
                             f"folder kmail, transport-{setup.rc.get(account.key, 'id') or '?'}")
