"""The mail accounts of a registry's keys, whatever holds them (a ``.reg`` export, a hive): read,
migrated into value edits per key, and the PRF written beside for a MAPI profile's POP accounts.

Both stores give their keys as ``regkeys.Key`` (a path as a ``.reg`` file
writes it, under ``HKEY_CURRENT_USER``, and its values); each turns the
``ValueEdits`` of a key into edits of its own bytes.
"""
from __future__ import annotations

import re
from pathlib import Path

from migrate.document import Document
from migrate.document import EncodedDocument
from migrate.document import Token
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Read
from parsers.windows import internet_accounts
from parsers.windows import mapi_accounts
from parsers.windows.accounts import mail_account
from parsers.windows.endpoints import after
from parsers.windows.endpoints import server_kind
from parsers.windows.prf import OUTLOOK_2003
from parsers.windows.prf import OUTLOOK_2007
from parsers.windows.prf import NewAccount
from parsers.windows.prf import prf_path
from parsers.windows.prf import prf_text
from parsers.windows.regkeys import Key
from parsers.windows.values import ValueEdits
from parsers.windows.values import lookup
from parsers.windows.values import text

_PROFILES = re.compile(r"\\Windows Messaging Subsystem\\Profiles$", re.IGNORECASE)


def existing_prfs(read: Read, beside: str, by_key: dict[str, Key]) -> dict[str, EncodedDocument]:
    """The PRF beside ``beside`` of each profile with a POP account, as it is now (empty when not written yet)."""
    prfs = {}
    for profile in dict.fromkeys(_profile(key) for key in by_key.values() if _pop_in_profile(key)):
        name = prf_path(beside, profile)
        data = read(name)
        tokens = (Token("TEXT", data.decode("cp1252", "surrogateescape")),) if data else ()
        prfs[name] = EncodedDocument(tokens, name, "cp1252")
    return prfs


def key_accounts(by_key: dict[str, Key]) -> list[Account]:
    found = []
    for key in by_key.values():
        rules = _rules(key)
        if rules is None:
            continue
        where = f"Outlook profile {_profile(key)!r}" if rules is mapi_accounts else (
            "Outlook internet-only" if "\\omi account manager\\" in key.path.lower() else "Outlook Express")
        account = mail_account(rules, key.path, key.values, where, key.line, key.path.rsplit("\\", 1)[-1])
        found += [account] if account is not None else []
    return found


def migrated(by_key: dict[str, Key], beside: str, accounts: list[Account], changes: list[Change],
             ) -> tuple[list[tuple[Key, ValueEdits]], dict[str, Document], list[Note]]:
    """The value edits of each key the changes touch, the PRFs to write beside ``beside``, and the notes."""
    edits, notes = [], []
    replacements: dict[str, list[tuple[Account, NewAccount]]] = {}
    mine_of = by_account(changes)
    for account in accounts:
        mine = mine_of.get(account.key, [])
        key = by_key[account.key.lower()]
        rules = _rules(key)
        if not mine or rules is None:
            continue
        edits.append((key, rules.edits(key.values, account.incoming, account.outgoing, mine)))
        notes += [] if rules is mapi_accounts else internet_accounts.notes(account, key.values, mine)
        if rules is mapi_accounts and any(c.field == "incoming.protocol" for c in mine):
            replacements.setdefault(_profile(key), []).append((account, _replacement(account, key, mine)))
    documents: dict[str, Document] = {}
    version = _outlook_version(by_key)
    for profile, replaced in replacements.items():
        path = prf_path(beside, profile)
        content = prf_text(profile, [new for _, new in replaced], version, beside, _is_default(by_key, profile))
        documents[path] = EncodedDocument((Token("TEXT", content),), path, "cp1252")
        notes += [Note(account.key, "windows",
                       f"Outlook cannot turn a POP account into IMAP in the registry: {path} adds the IMAP account"
                       f" (Outlook {version} settings); with Outlook closed run: outlook.exe /importprf \"{Path(path).name}\","
                       " then remove the POP account") for account, _ in replaced]
    return edits, documents, notes


def _rules(key: Key):  # type: ignore[no-untyped-def]
    """The module that reads and edits this kind of account key, or ``None``."""
    if internet_accounts.KEY.search(key.path):
        return internet_accounts
    if mapi_accounts.KEY.search(key.path):
        return mapi_accounts
    return None


def _profile(key: Key) -> str:
    match = mapi_accounts.KEY.search(key.path)
    return match.group(1) if match else ""


def _pop_in_profile(key: Key) -> bool:
    return mapi_accounts.KEY.search(key.path) is not None and server_kind(key.values) == "POP3"


def _replacement(account: Account, key: Key, changes: list[Change]) -> NewAccount:
    outgoing = after(account.outgoing, changes, "outgoing") if account.outgoing is not None else None
    name = text(key.values, "Account Name") or ""
    return NewAccount(name, text(key.values, "Display Name") or "", text(key.values, "Email") or "",
                      after(account.incoming, changes, "incoming"), outgoing)


def _outlook_version(by_key: dict[str, Key]) -> str:
    """The mapping block to write: from the Office keys, else from the SMTP values Outlook 2007 adds."""
    paths = " ".join(by_key)
    if "\\office\\12.0\\" in paths:
        return OUTLOOK_2007
    if "\\office\\11.0\\" in paths or "\\office\\10.0\\" in paths:
        return OUTLOOK_2003
    mapi = [key for key in by_key.values() if mapi_accounts.KEY.search(key.path)]
    return OUTLOOK_2007 if any(lookup(key.values, "SMTP Secure Connection") is not None for key in mapi) else OUTLOOK_2003


def _is_default(by_key: dict[str, Key], profile: str) -> bool:
    profiles = next((key for key in by_key.values() if _PROFILES.search(key.path)), None)
    return profiles is not None and text(profiles.values, "DefaultProfile") == profile
