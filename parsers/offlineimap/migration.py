"""Neutral changes made in an offlineimaprc, in the repository's own section.

A value the repository has is rewritten where it stands; one it takes from ``[DEFAULT]`` is
overridden by a line added to the repository (``[DEFAULT]`` may serve other repositories).
Booleans keep their spelling's family (``no`` -> ``yes``, ``0`` -> ``1``); ``%`` is written
``%%``.  The Python options are only read, for the notes.
"""
from __future__ import annotations

from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import new_values
from parsers.ini import DEFAULT
from parsers.ini import IniEditor
from parsers.ini import IniFile
from parsers.ini import boolean_text
from parsers.offlineimap.accounts import TUNNELS
from parsers.offlineimap.accounts import Repository
from parsers.offlineimap.accounts import boolean
from parsers.offlineimap.code import PYTHON_OPTIONS
from parsers.offlineimap.code import mentions
from parsers.offlineimap.interpolation import escaped
from parsers.offlineimap.interpolation import value

class RepositoryEdit:
    """Edits of one repository's section."""

    def __init__(self, editor: IniEditor, repository: Repository) -> None:
        self.editor, self.section = editor, repository.section
        self.ini: IniFile = editor.ini

    def set(self, name: str, text: str) -> None:
        """Written in the section (added when only ``[DEFAULT]`` has it, or nobody)."""
        self.editor.set(self.section, name, text)

    def flag(self, name: str, on: bool) -> None:
        """A boolean set, in the spelling of the value it replaces (``No`` -> ``Yes``)."""
        if boolean(self.ini, self.section, name) is not on:
            self.set(name, boolean_text(self.ini.get(self.section, name, inherited=True), on))

    def unset(self, name: str, empty: Optional[str] = "") -> None:
        """The option goes from the section; where ``[DEFAULT]`` would still give it, ``empty`` overrides it."""
        own = self.ini.option(self.section, name)
        if own is not None:
            self.editor.drop(own)
        if self.ini.option(DEFAULT, name) is not None and empty is not None:
            self.editor.add(self.section, name, empty)

    def has(self, name: str) -> bool:
        return bool((value(self.ini, self.section, name) or "").strip())


def migrate(editor: IniEditor, repository: Repository, account: Account, changes: list[Change],
            users: dict[str, list[str]]) -> list[Note]:
    """``users``: ``accounts_using`` of the file."""
    edit, notes = RepositoryEdit(editor, repository), []
    values, endpoint = new_values(changes, "incoming"), account.incoming
    if "host" in values:
        edit.set("remotehost", escaped(str(values["host"])))
        for name in TUNNELS:
            if edit.has(name):
                edit.unset(name)
                notes.append(Note(account.key, "offlineimap", f"{name} removed: the service takes direct TLS"
                                                              " connections only"))
    if "security" in values or "port" in values:
        wanted = str(values.get("security", endpoint.security))
        if wanted == "starttls":
            notes.append(Note(account.key, "offlineimap", "offlineimap uses STARTTLS only where the server offers it,"
                                                          " never insisting: the repository uses IMAP over SSL on 993"))
        edit.flag("ssl", True)
        port = int(str(values.get("port", endpoint.port))) if wanted == "ssl" else 993
        if edit.ini.option(repository.section, "remoteport", inherited=True) is not None or port != 993:
            edit.set("remoteport", str(port))
        if endpoint.tls_outdated:
            edit.set("ssl_version", "tls1_2")
    if "certificate" in values:
        edit.unset("cert_fingerprint")
    if (values.keys() & {"security", "port", "certificate"}) and not edit.has("sslcacertfile") and (
            "certificate" in values or not edit.has("cert_fingerprint")):
        edit.set("sslcacertfile", "OS-DEFAULT")  # else offlineimap refuses SSL: no CA, no fingerprint
    if "auth" in values:
        edit.set("auth_mechanisms", "PLAIN, LOGIN")
    if "username" in values and values["username"] is not None:
        edit.set("remoteuser", escaped(str(values["username"])))
    if "password" in values:
        edit.unset("remotepass", None)
        notes.append(Note(account.key, "offlineimap", "remotepass removed: offlineimap asks for the password, or"
                                                      " give remotepasseval or remotepassfile"))
    if any(c.field == "subscribed_only" for c in changes):
        edit.flag("subscribedonly", False)
    if any(c.field == "folder" for c in changes):
        edit.unset("reference", '""')
    notes += python_notes(edit.ini, repository, account.key, users.get(repository.name, []))
    if "host" in values:
        notes.append(Note(account.key, "offlineimap", "the service is a new server: offlineimap will find new"
                          " UIDVALIDITY values and skip folders its local state knows; start with a fresh local"
                          " Maildir and without the account's state in ~/.offlineimap (or mail is copied twice);"
                          " a running offlineimap keeps the old settings until it starts again"))
    return notes


def python_notes(ini: IniFile, repository: Repository, key: str, users: list[str]) -> list[Note]:
    """A step for the user for each Python option, of the repository or of the other side of its
    accounts (``users``), that still names the old server's folders."""
    sections = [repository.section] + [
        "Repository " + local for account in users
        for local in [value(ini, account, "localrepository") or ""] if local and local != repository.name]
    notes = []
    for section in dict.fromkeys(sections):
        for name in PYTHON_OPTIONS:
            option = ini.option(section, name)
            said = mentions(ini.raw(option)) if option is not None else []
            if said:
                notes.append(Note(key, "offlineimap", f"line {option.line}: {name} of [{section}] is Python code"
                                  f" (never edited) and mentions {' and '.join(said)}: the folders are at the top"
                                  " level of the service now; rewrite it by hand"))
    return notes
