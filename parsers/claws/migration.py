"""Neutral changes made in a Claws Mail or Sylpheed folder: values replaced where they stand.

A POP account becomes IMAP in place (the mail it downloaded lives in the
shared local Mailbox, which stays): ``protocol`` takes the IMAP value of
that program and configuration version, the IMAP connection is written out
(``ssl_imap``, ``set_imapport``, ``imap_port``, ``imap_auth_method``), and its
sent, drafts and trash folders become the server's.  An account of the
service loses its ``imap_directory`` (the old ``INBOX`` root).  Every
identifier of a moved folder follows it, in every file that names it.
"""
from __future__ import annotations

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.model import new_values
from parsers.claws import identifiers
from parsers.claws.accounts import IDENTIFIER_KEYS
from parsers.claws.accounts import key
from parsers.claws.folderlist import FolderList
from parsers.claws.profile import AccountBlock
from parsers.claws.profile import Profile
from parsers.claws.program import SECURITY_VALUE
from parsers.claws.program import is_true
from parsers.claws.rcfile import RcEditor
from parsers.claws.rcfile import RcFile

_SPECIAL_KEYS = {"sent": "sent_folder", "drafts": "draft_folder", "trash": "trash_folder"}
_RULE = "claws"

Moves = dict[str, dict[str, str]]  #: folder name -> old path -> new path


def migrate(profile: Profile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
    editor, notes, moves = RcEditor(profile.accountrc), [], {}
    grouped = by_account(changes)
    for block, account in zip(profile.blocks, accounts):
        mine = grouped.get(key(block), [])
        if not mine:
            continue
        _account(profile, block, account, mine, editor, notes)
        folder_moves = {str(c.old): str(c.new) for c in mine if c.field == "folder"}
        if folder_moves:
            moves.update({name: folder_moves for name, owner in profile.folder_owners.items() if owner == block.id})
    documents = _move_folders(profile, moves, editor, notes) if moves else {}
    for block, account in zip(profile.blocks, accounts):  # after the moves: a new special folder is not moved again
        _special_folders(profile, block, grouped.get(key(block), []), editor)
    if editor.changed:
        documents[profile.accountrc.path] = editor.document()
    return documents, notes


def _account(profile: Profile, block: AccountBlock, account: Account, changes: list[Change], editor: RcEditor,
             notes: list[Note]) -> None:
    section, program = block.section, profile.program
    incoming, outgoing = new_values(changes, "incoming"), new_values(changes, "outgoing")
    to_imap = incoming.get("protocol") == "imap"
    if to_imap:
        editor.set(section, "protocol", str(program.imap_value(profile.version(block))))
        notes.append(Note(account.key, _RULE, f"the POP account becomes IMAP in place: the mail it downloaded stays in"
                          f" the local folders ({profile.value(block, 'inbox') or 'inbox'}); its sent, drafts and trash"
                          f" folders are now the server's; close {program.name} first"))
    if to_imap or account.incoming.protocol == "imap":
        if "host" in incoming:
            editor.set(section, "receive_server", str(incoming["host"]))
        if to_imap or "security" in incoming or "port" in incoming:
            _connection(editor, section, "imap", str(incoming.get("security", account.incoming.security)),
                        int(str(incoming.get("port", account.incoming.port))))
            if is_true(profile.value(block, "set_tunnelcmd"), False):
                editor.set(section, "set_tunnelcmd", "0")
                notes.append(Note(account.key, _RULE, "the tunnel command (set_tunnelcmd) is switched off: the new"
                                  " service takes direct TLS connections"))
        if to_imap or "auth" in incoming:
            editor.set(section, "imap_auth_method", "1")  # the plain LOGIN command, in every version of both
        if profile.value(block, "imap_directory"):
            editor.set(section, "imap_directory", "")
    if "username" in incoming:
        editor.set(section, "user_id", str(incoming["username"]))
    if "password" in incoming:
        editor.set(section, "password", "")
    if any(c.field == "subscribed_only" for c in changes):
        editor.set(section, "imap_subsonly", "0")
    if "certificate" in incoming or "certificate" in outgoing:
        editor.set(section, "ssl_certs_auto_accept", "0")
    _outgoing(profile, block, account, outgoing, incoming, editor)
    if profile.stored_passwords.get(block.id):
        notes.append(Note(account.key, _RULE, f"Claws keeps this account's saved password encrypted in passwordstorerc,"
                          f" which mailmigrate never edits: to stop saving it, clear it in the account's preferences"
                          f" (or, with Claws closed, delete the recv/send lines under [account:{block.id}])"))


def _outgoing(profile: Profile, block: AccountBlock, account: Account, values: dict, incoming: dict,
              editor: RcEditor) -> None:
    section = block.section
    if "host" in values:
        editor.set(section, "smtp_server", str(values["host"]))
    if "security" in values or "port" in values:
        assert account.outgoing is not None
        _connection(editor, section, "smtp", str(values.get("security", account.outgoing.security)),
                    int(str(values.get("port", account.outgoing.port))))
    if "auth" in values:
        editor.set(section, "use_smtp_auth", "1")
        editor.set(section, "smtp_auth_method", str(profile.program.smtp_plain))
    # Without its own login the SMTP server takes user_id: set that, unless user_id stays another login.
    if "username" in values and (profile.value(block, "smtp_user_id") or incoming.get("username") != values["username"]):
        editor.set(section, "smtp_user_id", str(values["username"]))
    if "password" in values:
        editor.set(section, "smtp_password", "")


def _connection(editor: RcEditor, section: int, kind: str, security: str, port: int) -> None:
    """Security and port written out, the port with its flag: no default left to decide them."""
    editor.set(section, f"ssl_{kind}", str(SECURITY_VALUE[security]))
    editor.set(section, f"set_{kind}port", "1")
    editor.set(section, f"{kind}_port", str(port))


def _special_folders(profile: Profile, block: AccountBlock, changes: list[Change], editor: RcEditor) -> None:
    """The server's sent, drafts and trash folders for an account that becomes IMAP (``special.<role>``)."""
    name = profile.folder_name(block)
    for change in changes:
        role = change.field.partition(".")[2] if change.field.startswith("special.") else None
        if role in _SPECIAL_KEYS:
            editor.set(block.section, f"set_{_SPECIAL_KEYS[role]}", "1")
            editor.set(block.section, _SPECIAL_KEYS[role], identifiers.join(name, str(change.new)))


def _move_folders(profile: Profile, moves: Moves, editor: RcEditor, notes: list[Note]) -> dict[str, Document]:
    """Every identifier of a moved folder, in every account's keys and every other file of the folder."""
    for block in profile.blocks:
        for name in IDENTIFIER_KEYS:
            new = identifiers.moved(profile.value(block, name) or "", moves)
            if new is not None:
                editor.set(block.section, name, new)
    documents: dict[str, Document] = {}
    if profile.folderlist is not None:
        documents.update(_moved_paths(profile.folderlist, moves))
    if profile.folderitemrc is not None:
        documents.update(_moved_sections(profile, profile.folderitemrc, moves, notes))
    for document in profile.filters:
        edits = [Edit(index, index + 1, document.written(index, new)) for index in document.folder_tokens()
                 for new in [identifiers.moved(document.identifier(index), moves)] if new is not None]
        if edits:
            documents[document.path] = document.apply(edits)
    return documents


def _moved_paths(folderlist: FolderList, moves: Moves) -> dict[str, Document]:
    """The ``path`` of each moved folder in ``folderlist.xml``."""
    edits = [Edit(index, index + 1, identifiers.xml_escape(moves[folder.name][folderlist.folder_path(index)]))
             for folder in folderlist.imap_folders if folder.name in moves
             for index in folder.paths if folderlist.folder_path(index) in moves[folder.name]]
    return {folderlist.path: folderlist.apply(edits)} if edits else {}


def _moved_sections(profile: Profile, itemrc: RcFile, moves: Moves, notes: list[Note]) -> dict[str, Document]:
    """Each moved folder's settings in ``folderitemrc``, unless the new name has some already: Claws would read
    only the first of two sections of one name."""
    editor = RcEditor(itemrc)
    labels = {section.label for section in itemrc.sections}
    for index, section in enumerate(itemrc.sections):
        new = identifiers.moved(section.label, moves)
        if new is not None and new in labels:
            owner = profile.folder_owners[identifiers.split(new)[0]]
            notes.append(Note(f"account {owner}", _RULE, f"folderitemrc already has [{new}]: the settings of"
                              f" [{section.label}] stay under the old name"))
        elif new is not None:
            editor.rename(index, new)
    return {itemrc.path: editor.document()} if editor.changed else {}
