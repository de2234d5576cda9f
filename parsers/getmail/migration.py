"""Neutral changes made in a getmail rc file's ``[retriever]``; ``[destination]`` and ``[options]`` are only read."""
from __future__ import annotations

from typing import Callable

from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import new_values
from parsers.getmail.accounts import IMAP_AUTH
from parsers.getmail.accounts import IMAP_SSL_TYPES
from parsers.getmail.accounts import POP_ONLY
from parsers.getmail.accounts import RETRIEVER
from parsers.getmail.accounts import is_on
from parsers.getmail.accounts import retriever_type
from parsers.getmail.mailboxes import literals
from parsers.getmail.mailboxes import written
from parsers.ini import IniEditor
from parsers.ini import IniFile
from parsers.ini import boolean_text


def migrate(editor: IniEditor, account: Account, changes: list[Change]) -> list[Note]:
    ini, notes = editor.ini, []
    values = new_values(changes, "incoming")

    def note(message: str) -> None:
        notes.append(Note(account.key, "getmail", message))

    kind = retriever_type(ini)
    if values.keys() & {"protocol", "security", "port"}:
        new_kind = IMAP_SSL_TYPES.get(kind, kind)
        editor.set(RETRIEVER, "type", new_kind)
        if values.get("security") == "starttls":
            note("getmail has no STARTTLS: the retriever uses IMAP over SSL on 993")
        security = values.get("security", account.incoming.security)
        port = int(str(values.get("port", account.incoming.port))) if security == "ssl" else 993
        if ini.option(RETRIEVER, "port") is not None or port != 993:
            editor.set(RETRIEVER, "port", str(port))
        if "protocol" in values:
            for name in POP_ONLY:
                option = ini.option(RETRIEVER, name)
                if option is not None:
                    editor.drop(option)
                    note(f"{name} removed: only POP retrievers take it (an IMAP one warns about it at every run)")
            if kind == "MultidropSDPSRetriever" and ini.option(RETRIEVER, "envelope_recipient") is None:
                note("MultidropIMAPSSLRetriever needs envelope_recipient (the header naming each message's"
                     " recipient, e.g. delivered-to:1): add it, getmail refuses the file without it")
    if "host" in values:
        editor.set(RETRIEVER, "server", str(values["host"]))
    if "username" in values and values["username"] is not None:
        editor.set(RETRIEVER, "username", str(values["username"]))
    if "auth" in values:
        for name in IMAP_AUTH:
            if is_on(ini, name):
                editor.set(RETRIEVER, name, boolean_text(ini.get(RETRIEVER, name), False))
    if "password" in values:
        editor.drop(ini.option(RETRIEVER, "password"))
        note("password removed: getmail asks for it, which a run from cron cannot answer: give a"
             " password_command, or store it with getmail --store-password-in-keyring")
    if "certificate" in values:
        editor.drop(ini.option(RETRIEVER, "ssl_fingerprints"))
        note("ssl_fingerprints removed: they pinned the old server's certificate")
    _rename(editor, {str(c.old): str(c.new) for c in changes if c.field == "folder"}, note)
    if values.keys() & {"host", "protocol"}:
        notes += [Note(account.key, "getmail", message) for message in _fetch_notes(ini)]
    return notes


def _rename(editor: IniEditor, renames: dict[str, str], note: Callable[[str], None]) -> None:
    ini = editor.ini
    option = ini.option(RETRIEVER, "mailboxes")
    if option is not None and literals(ini, option) is None:
        note(f"line {option.line}: mailboxes is not a tuple of strings that getmail reads as it looks: its"
             " folder names are not rewritten, check them by hand")
    elif option is not None and renames:
        texts: dict[int, str] = {}
        for literal in reversed(literals(ini, option) or []):  # back to front: offsets in a line stay valid
            if literal.token >= 0 and literal.value in renames:
                line = texts.get(literal.token, ini.tokens[literal.token].text)
                texts[literal.token] = line[: literal.start] + written(literal, renames[literal.value]) + line[literal.end:]
        for index, text in texts.items():
            editor.replace_value(index, text)
    trash = ini.get(RETRIEVER, "move_on_delete")
    if trash in renames:
        editor.set(RETRIEVER, "move_on_delete", renames[trash])


def _fetch_notes(ini: IniFile) -> list[str]:
    """What ``read_all`` and ``delete`` of ``[options]`` do once the mail comes over IMAP."""
    notes = []
    delete = is_on(ini, "delete", "options") or (ini.get("options", "delete_after") or "0").strip() not in ("", "0")
    read_all = is_on(ini, "read_all", "options") is not False  # getmail's default is on
    if delete:
        notes.append("[options] delete: getmail now deletes each message it retrieves from the service's IMAP"
                     " folders, where webmail and other programs will no longer find it; set delete = false to"
                     " keep mail on the service")
    elif read_all:
        notes.append("[options] read_all is on (getmail's default): every run retrieves every message in the"
                     " folders again; set read_all = false to get only new mail")
    else:
        notes.append("getmail remembers what it retrieved per server (oldmail-<server>-<port>-<user>): its"
                     " first run on the service retrieves every message in the folders again; imap_search ="
                     " UNSEEN for that run limits it to unread mail")
    if is_on(ini, "use_netrc", "options"):
        notes.append("[options] use_netrc: ~/.netrc needs an entry for the new server")
    if not (ini.get(RETRIEVER, "ca_certs") or "").strip():
        notes.append("getmail checks the server's certificate only with ca_certs set: add ca_certs ="
                     " /etc/ssl/certs/ca-certificates.crt (or your system's CA bundle) to [retriever]")
    return notes
