"""The WindowsRegistryParser itself, imported only when a file of its format is met (see ``parsers/windows/__init__.py``)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import Token
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.windows import internet_accounts
from parsers.windows import mapi_accounts
from parsers.windows.endpoints import after
from parsers.windows.prf import OUTLOOK_2003
from parsers.windows.prf import OUTLOOK_2007
from parsers.windows.prf import NewAccount
from parsers.windows.prf import prf_path
from parsers.windows.prf import prf_text
from parsers.windows.regfile import RegFile
from parsers.windows.regfile import parse_reg
from parsers.windows.regkeys import Key
from parsers.windows.regkeys import keys
from parsers.windows.regkeys import value_edits
from parsers.windows.text import EncodedDocument
from parsers.windows.values import lookup
from parsers.windows.values import number
from parsers.windows.values import text

#: Text that marks an export holding an account key (checked before parsing, so other exports are passed over).
_ACCOUNT_KEYS = re.compile(r"Account Manager\\Accounts\\|9375CFF0413111d3B88A00104B2A6676\\", re.IGNORECASE)
_PROFILES = re.compile(r"\\Windows Messaging Subsystem\\Profiles$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class ParsedExport:
    reg: RegFile
    prfs: dict[str, EncodedDocument]  #: the PRF of each profile with a POP account, by path (empty when not written yet)

    @property
    def files(self) -> dict[str, Document]:
        return {self.reg.path: self.reg, **self.prfs}

    @property
    def keys(self) -> dict[str, Key]:
        return keys(self.reg)


class WindowsRegistryParser(Parser):
    name = "windows"
    client = "Outlook"
    patterns = ("*.reg", "*.REG")

    def setups(self, path: Path) -> Iterator[Path]:
        """The export, when it holds an account key; any other ``.reg`` is passed over."""
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        shown = data.decode("utf-16-le", "replace") if data.startswith(b"\xff\xfe") else data.decode("cp1252", "replace")
        if _ACCOUNT_KEYS.search(shown):
            yield path

    def parse(self, read: Read, path: str) -> ParsedExport:
        reg = parse_reg(read_required(read, path), path)
        prfs = {}
        for profile in dict.fromkeys(_profile(key) for key in keys(reg).values() if _pop_in_profile(key)):
            name = prf_path(path, profile)
            data = read(name)
            tokens = (Token("TEXT", data.decode("cp1252", "surrogateescape")),) if data else ()
            prfs[name] = EncodedDocument(tokens, name, "cp1252")
        return ParsedExport(reg, prfs)

    def accounts(self, parsed: ParsedExport) -> list[Account]:
        found = []
        for key in parsed.keys.values():
            rules = _rules(key)
            reading = rules.incoming(key.values) if rules else None
            if rules is None or reading is None:
                continue
            name = text(key.values, "Account Name") or key.path.rsplit("\\", 1)[-1]
            where = f"Outlook profile {_profile(key)!r}" if rules is mapi_accounts else (
                "Outlook internet-only" if "\\omi account manager\\" in key.path.lower() else "Outlook Express")
            found.append(Account(
                key.path, f"{'IMAP' if reading.protocol == 'imap' else 'POP'} account {name!r} ({where})", key.line,
                reading, rules.outgoing(key.values, reading),
                keeps_mail_on_server=number(key.values, "Leave Mail On Server") == 1))
        return found

    def apply(self, parsed: ParsedExport, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        by_key, edits, notes = parsed.keys, [], []
        replacements: dict[str, list[tuple[Account, NewAccount]]] = {}
        for account in accounts:
            mine = [change for change in changes if change.account == account.key]
            key = by_key[account.key.lower()]
            rules = _rules(key)
            if not mine or rules is None:
                continue
            edits += value_edits(parsed.reg, key, rules.edits(key.values, account.incoming, account.outgoing, mine))
            notes += _notes(account, key, mine, rules is mapi_accounts)
            if rules is mapi_accounts and any(c.field == "incoming.protocol" for c in mine):
                replacements.setdefault(_profile(key), []).append((account, _replacement(account, key, mine)))
        documents: dict[str, Document] = {parsed.reg.path: parsed.reg.apply(edits)}
        version = _outlook_version(by_key)
        for profile, replaced in replacements.items():
            path = prf_path(parsed.reg.path, profile)
            content = prf_text(profile, [new for _, new in replaced], version, parsed.reg.path, _is_default(by_key, profile))
            documents[path] = EncodedDocument((Token("TEXT", content),), path, "cp1252")
            notes += [Note(account.key, "windows",
                           f"Outlook cannot turn a POP account into IMAP in the registry: {path} adds the IMAP account"
                           f" (Outlook {version} settings); with Outlook closed run: outlook.exe /importprf \"{Path(path).name}\","
                           " then remove the POP account") for account, _ in replaced]
        return documents, notes

    def live(self, path: Path) -> Optional[str]:
        """Never: Outlook and Outlook Express run on Windows, not on the file server holding the export."""
        return None


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
    return mapi_accounts.KEY.search(key.path) is not None and mapi_accounts.kind(key.values) == "POP3"


def _replacement(account: Account, key: Key, changes: list[Change]) -> NewAccount:
    outgoing = after(account.outgoing, changes, "outgoing") if account.outgoing is not None else None
    name = text(key.values, "Account Name") or ""
    return NewAccount(name, text(key.values, "Display Name") or "", text(key.values, "Email") or "",
                      after(account.incoming, changes, "incoming"), outgoing)


def _notes(account: Account, key: Key, changes: list[Change], mapi: bool) -> list[Note]:
    notes = []
    if not mapi and account.incoming.protocol == "pop3" and any(c.field == "incoming.protocol" for c in changes):
        notes.append(Note(account.key, "windows", "the POP account becomes IMAP in place; the mail it downloaded stays"
                                                  " in Outlook Express's Local Folders"))
    if not mapi and lookup(key.values, "IMAP Root Folder") is not None and any(c.field.startswith("incoming.") for c in changes):
        notes.append(Note(account.key, "windows", "IMAP Root Folder removed: the service keeps folders at the top level"))
    return notes


def _outlook_version(by_key: dict[str, Key]) -> str:
    """The mapping block to write: from the export's Office keys, else from the SMTP values Outlook 2007 adds."""
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
