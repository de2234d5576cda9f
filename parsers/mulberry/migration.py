"""Neutral changes made in a Mulberry preferences file: atoms rewritten where they stand, IMAP accounts added.

An IMAP or SMTP account is edited in place, atom by atom (its other items,
unknown trailing ones included, keep their bytes).  A POP3 account keeps the
mail it downloaded in its own local folder, so it is never turned into IMAP:
an IMAP account is appended to the list for it (named ``<name> (IMAP)``, so a
later run finds it and adds nothing), and the POP account stays.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import new_values
from parsers.mulberry.accounts import ROOT
from parsers.mulberry.accounts import TLS_TOKEN
from parsers.mulberry.accounts import default_port
from parsers.mulberry.accounts import display
from parsers.mulberry.accounts import name_of
from parsers.mulberry.accounts import replacement
from parsers.mulberry.accounts import wd_folder
from parsers.mulberry.accounts import wd_names
from parsers.mulberry.layout import CWD
from parsers.mulberry.layout import LOGON
from parsers.mulberry.layout import PASSWORD
from parsers.mulberry.layout import SAVE_PASSWORD
from parsers.mulberry.layout import SERVER
from parsers.mulberry.layout import TLS
from parsers.mulberry.layout import UID
from parsers.mulberry.layout import USER_PASSWORD
from parsers.mulberry.prefsfile import READ
from parsers.mulberry.prefsfile import PrefsFile
from parsers.mulberry.records import Record
from parsers.mulberry.sexpr import SList
from parsers.mulberry.sexpr import past
from parsers.mulberry.sexpr import quote

_FIELDS = ("protocol", "host", "port", "security", "auth", "username")
_GENERAL_DEFAULTS = ("false", "false", "false", "false", '""')  #: expanded, subscriptions x2, tie identity, identity
ROOT_WD = f"({quote(ROOT)} true false)"


def after(endpoint: Endpoint, changes: list[Change], side: str) -> Endpoint:
    """The endpoint once the changes are made."""
    values = new_values(changes, side)
    fields = {name: values[name] for name in _FIELDS if name in values}
    return dataclasses.replace(endpoint, **fields)  # type: ignore[arg-type]


def server_text(kind: str, endpoint: Endpoint) -> str:
    """``host``, with ``:port`` when the port is not Mulberry's default for the account's TLS."""
    port = "" if endpoint.port == default_port(kind, endpoint.security) else f":{endpoint.port}"
    return f"{endpoint.host}{port}"


def in_place(prefs: PrefsFile, record: Record, endpoint: Endpoint, changes: list[Change], side: str) -> list[Edit]:
    """An IMAP or SMTP account's server, TLS and login rewritten where they stand."""
    values = new_values(changes, side)
    new = after(endpoint, changes, side)
    edits = []
    if values.keys() & {"host", "port", "security"}:
        at = record.common.items[SERVER]
        assert isinstance(at, int)
        server = server_text(record.kind, new)
        if server != prefs.text(at):
            edits.append(Edit(at, at + 1, quote(server)))
    if "security" in values:
        edits += _tls(prefs, record, TLS_TOKEN[str(new.security)])
    return edits + authenticator(prefs, record, values, new)


def _tls(prefs: PrefsFile, record: Record, token: str) -> list[Edit]:
    at = record.atom(TLS)
    if at is None:  # written before Mulberry knew TLS: it goes after the cwd
        end = past(record.common.items[CWD])
        return [Edit(end, end, f" {token}")]
    return [Edit(at, at + 1, token)] if prefs.text(at) != token else []


def authenticator(prefs: PrefsFile, record: Record, values: dict[str, object], new: Endpoint) -> list[Edit]:
    """``Plain Text`` with the new user; a saved password emptied and no longer saved, when asked."""
    auth = record.auth
    if auth.descriptor not in USER_PASSWORD or auth.at(UID) is None:
        if not values.keys() & {"auth", "username"}:
            return []
        content = f'"Plain Text" {quote(new.username or "")} "" true false'  # Kerberos, None: other items
        if auth.inner is None:
            return [Edit(auth.outer.open + 1, auth.outer.close, f"({content})")]
        return [Edit(auth.inner.open + 1, auth.inner.close, content)]
    edits = []
    if "auth" in values and auth.descriptor != "Plain Text":
        descriptor = auth.inner.items[0] if auth.inner is not None else None
        assert isinstance(descriptor, int)
        edits.append(Edit(descriptor, descriptor + 1, quote("Plain Text")))
    uid = auth.at(UID)
    if "username" in values and uid is not None and prefs.text(uid) != new.username:
        edits.append(Edit(uid, uid + 1, quote(new.username or "")))
    if "password" in values:
        for at, emptied in ((auth.at(PASSWORD), '""'), (auth.at(SAVE_PASSWORD), "false")):
            if at is not None and prefs.tokens[at].text != emptied:
                edits.append(Edit(at, at + 1, emptied))
    return edits


def folders(prefs: PrefsFile, record: Record, changes: list[Change], copies: dict[str, list[tuple[int, str]]]) -> list[Edit]:
    """An IMAP account moved to the new server: its hierarchies, delimiter and identities' copy-to folders."""
    values = new_values(changes, "incoming")
    renames = {str(c.old): str(c.new) for c in changes if c.field == "folder"}
    edits = []
    delimiter = record.specific_atom(0)
    if "host" in values and delimiter is not None and prefs.text(delimiter):
        edits.append(Edit(delimiter, delimiter + 1, '""'))  # Mulberry asks the new server for it (CMboxProtocol::Logon)
    shown = wd_names(prefs, record)
    targets = {name: renames.get(wd_folder(name) or "") for _, _, name in shown}
    kept = {name for name, new in targets.items() if new is None}
    for wd, at, name in shown:
        new = targets[name]
        if new is None:
            continue
        if new in kept:  # another hierarchy shows it already
            edits.append(Edit(wd.open, wd.close + 1, ""))
        else:
            edits.append(Edit(at, at + 1, quote(new)))
            kept.add(new)
    if any(c.field == "subscribed_only" for c in changes) and record.wds is not None:
        edits.append(Edit(record.wds.close, record.wds.close, ROOT_WD))
    name = name_of(prefs, record)
    for at, mailbox in copies.get(name, ()):
        if mailbox in renames:
            edits.append(Edit(at, at + 1, quote(f"{name}:{renames[mailbox]}")))
    return edits


def imap_for_pop(prefs: PrefsFile, record: Record, account: Account, changes: list[Change]) -> str:
    """The IMAP account that stands in for a POP3 account, as Mulberry's writer lays one out."""
    new = after(account.incoming, changes, "incoming")
    general = [prefs.tokens[at].text if isinstance(at, int) else default
               for at, default in zip(_items(record.specific, record.general, 5), _GENERAL_DEFAULTS)]
    logon = record.common.items[LOGON]
    common = [quote(imap_name(prefs, record)), "IMAP", quote(server_text("IMAP", new)),
              prefs.tokens[logon].text if isinstance(logon, int) else "true",
              f'(("Plain Text" {quote(new.username or "")} "" true false))', '("" false false)',
              TLS_TOKEN[str(new.security)], "false", '""']
    specific = ['""', "true", f"({ROOT_WD})", "false", *general]  # delimiter asked of the server, auto-namespace
    return "((" + " ".join(common) + " )(" + " ".join(specific) + "))"


def _items(found: Optional[SList], start: int, count: int) -> list[object]:
    items = found.items if found is not None else ()
    return [items[i] if i < len(items) else None for i in range(start, start + count)]


def imap_name(prefs: PrefsFile, record: Record) -> str:
    return replacement(name_of(prefs, record))


def pop_notes(prefs: PrefsFile, record: Record, account: Account, added: Optional[str]) -> Note:
    name = display(name_of(prefs, record))
    cwd = record.common.items[CWD]
    folder = prefs.text(cwd.items[0]) if isinstance(cwd, SList) and cwd.items and isinstance(cwd.items[0], int) else ""
    where = folder or f"Mailboxes/POP3/{name}/ under Mulberry's folder, ~/.mulberry on Linux"
    stays = f"The POP account {name!r} stays: old POP mail, retire once moved (copy what you keep into the IMAP account"
    if added is None:
        return Note(account.key, "mulberry", f"its IMAP account is already in the file. {stays}, then remove the POP"
                                             " account in Preferences > Accounts)")
    return Note(account.key, "mulberry", (
        f"Mulberry keeps the mail POP downloaded in the account's own folder ({where}), so the account is not turned"
        f" into IMAP: the IMAP account {display(added)!r} is added for it (the service's server, its login, no saved"
        f" password, the same identity). {stays}, then remove it in Preferences > Accounts)"))


def other_references(prefs: PrefsFile, record: Record, account: Account) -> list[Note]:
    """Preferences other than the account lists and identities that name a folder under INBOX of the account."""
    needles = [f"{name_of(prefs, record)}:INBOX{separator}".lower() for separator in "./"]
    keys = sorted({entry.key for entry in prefs.entries if entry.key not in READ
                   and any(needle in prefs.render_range(entry.first, entry.end).lower() for needle in needles)})
    if not keys:
        return []
    return [Note(account.key, "mulberry", f"{', '.join(keys)} name folders under INBOX of this account: the service"
                                          " keeps them at the top level; point them at the new names by hand")]
