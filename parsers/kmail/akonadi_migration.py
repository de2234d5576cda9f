"""Neutral changes made in Akonadi's resource files: an IMAP resource in place, a POP3 one replaced.

A POP3 resource stays (its mail is in the local folder it delivered to) and stops checking by
itself (``intervalCheckEnabled=false``); its IMAP account goes into a first-run file for Akonadi
to create (``firstrun``).  Where that file cannot go (a data folder that cannot be told from the
file's place), the plan says what to enter in KMail instead.
"""
from __future__ import annotations

import dataclasses

from migrate.document import Document
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import new_values
from parsers.inifile import IniEditor
from parsers.kmail.akonadi import ResourceSetup
from parsers.kmail.akonadi import replacement
from parsers.kmail.firstrun import SAFETY
from parsers.kmail.firstrun import firstrun_text
from parsers.kmail.kconfig import KConfigFile
from parsers.kmail.kconfig import parse_kconfig
from parsers.kmail.values import flag

_RESYNC = ("Akonadi reads this account afresh from the new server (its folders are new to it): identities' sent,"
           " drafts and templates folders and filters that named the old ones fall back to the defaults; choose them"
           " again in KMail")


def migrate(setup: ResourceSetup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
    if not accounts or not changes:
        return {}, []
    (account,) = accounts
    values, notes = new_values(changes, "incoming"), []
    subscriptions = any(c.field == "subscribed_only" for c in changes)
    if not setup.pop3 or (setup.firstrun_written and replacement(setup) is not None):
        document, group = (setup.rc, "network") if not setup.pop3 else (setup.firstrun, "Settings")
        assert document is not None
        editor = IniEditor(document)
        imap_settings(editor, group, account.incoming, values, subscriptions)
        if "host" in values or "username" in values:
            notes.append(Note(account.key, "kmail", _RESYNC))
        if setup.pop3:
            notes.append(Note(account.key, "kmail", f"{document.path} is rewritten: if Akonadi has set it up already,"
                              " change the IMAP account in KMail the same way"))
        return {document.path: editor.document()}, notes
    if values.get("protocol") != "imap":
        return {setup.rc.path: _pop3_in_place(setup.rc, values)}, notes
    return _replace_pop3(setup, account, values, notes), notes


def imap_settings(editor: IniEditor, group: str, endpoint: Endpoint, values: dict, subscriptions: bool) -> None:
    document = editor.file
    legacy = document.get(group, "ImapPort") is None and ":" in (document.get(group, "ImapServer") or "")
    if "host" in values:
        editor.set(group, "ImapServer", str(values["host"]))
    if "port" in values or "security" in values or ("host" in values and legacy):
        editor.set(group, "ImapPort", str(values.get("port", endpoint.port)))
        editor.set(group, "Safety", SAFETY[str(values.get("security", endpoint.security))])
        if document.get(group, "OverrideEncryption"):
            editor.remove(group, "OverrideEncryption")
    if "auth" in values:
        editor.set(group, "Authentication", "1")  # PLAIN
    if "username" in values:
        editor.set(group, "UserName", str(values["username"]))
    if subscriptions:
        editor.set(group, "SubscriptionEnabled", "false")


def _pop3_in_place(rc: KConfigFile, values: dict) -> Document:
    """A POP3 resource kept as POP3 (a policy that reads mail over POP)."""
    editor = IniEditor(rc)
    for field, key in (("host", "host"), ("port", "port"), ("username", "login")):
        if field in values:
            editor.set("General", key, str(values[field]))
    if "security" in values:
        editor.set("General", "useSSL", "true" if values["security"] == "ssl" else "false")
        editor.set("General", "useTLS", "true" if values["security"] == "starttls" else "false")
    if "auth" in values:
        editor.set("General", "authenticationMethod", "7")  # USER/PASS
    return editor.document()


def _replace_pop3(setup: ResourceSetup, account: Account, values: dict, notes: list[Note]) -> dict[str, Document]:
    fields = ("host", "port", "security", "username")
    new = dataclasses.replace(account.incoming, protocol="imap", auth="plain",
                              **{name: values[name] for name in fields if name in values})
    if setup.firstrun is None:
        notes.append(Note(account.key, "kmail", (
            "KMail cannot turn a POP3 account into IMAP, and Akonadi's data folder is not known from where this file"
            f" is: add an IMAP account in KMail (server {new.host}, port {new.port}, {new.security}, login"
            f" {new.username or '(your login)'}, plain password), then remove this POP3 account")))
        return {}
    documents: dict[str, Document] = {}
    if flag(setup.rc.get("General", "intervalCheckEnabled")):
        editor = IniEditor(setup.rc)
        editor.set("General", "intervalCheckEnabled", "false")
        documents[setup.rc.path] = editor.document()
    if setup.firstrun_written:  # a file of that name that is not ours: left alone
        notes.append(Note(account.key, "kmail", f"{setup.firstrun.path} is there already and is no IMAP account of"
                          " mailmigrate's; add the IMAP account in KMail by hand"))
        return documents
    name = f"{setup.rc.get('General', 'name') or new.host} (IMAP)"
    text = firstrun_text(setup.rc.path, name, new, setup.rc.newline)
    documents[setup.firstrun.path] = parse_kconfig(text.encode(), setup.firstrun.path)
    notes.append(Note(account.key, "kmail", (
        f"KMail cannot turn a POP3 account into IMAP: the POP3 account stays, with its mail, and stops checking;"
        f" {setup.firstrun.path} makes Akonadi create the IMAP account when it next starts. Check mail in the"
        " new account, then remove the POP3 account (its mail stays in the local folders); if KMail has an IMAP"
        " account of this mailbox already, remove the new one instead")))
    return documents
