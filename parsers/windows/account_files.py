"""Account files of Outlook Express and Windows Mail: ``.iaf`` exports and ``.oeaccount`` files.

Both hold one account in Outlook Express's value names, so the registry's rules
(``internet_accounts``) read and edit them.  An ``.iaf`` account is migrated in
the file, a POP one made IMAP there, as in the registry; it takes effect when
imported (*Tools › Accounts › Import*).  A Windows Mail POP account keeps its
incoming server (its file stays the POP account, in ``Local Folders``; only its
outgoing server and passwords are migrated): ``apply`` writes the IMAP account
as a new account file beside it, which Windows Mail picks up with the others.
These programs run on Windows, not on the file server: no file is ever in use.
"""
from __future__ import annotations

import dataclasses
import uuid
from pathlib import PurePath

from migrate.document import Document
from migrate.document import EncodedDocument
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.windows import internet_accounts
from parsers.windows.accounts import mail_account
from parsers.windows.iaf import IafFile
from parsers.windows.iaf import apply_values
from parsers.windows.iaf import parse_iaf
from parsers.windows.iaf import values
from parsers.windows.oeaccount import AccountFile
from parsers.windows.oeaccount import parse_oeaccount
from parsers.windows.oeaccount import value_edits
from parsers.windows.oeaccount import values as oe_values
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import is_password
from parsers.windows.values import text

#: Names the IMAP account file of a POP account (a GUID from the POP file's name, so every run finds the same).
_IMAP_FILES = uuid.UUID("3d0b9a52-6f0e-4c55-9a57-5a1f0c3b7e21")


class IafParser(Parser):
    name = "iaf"
    client = "Outlook Express"
    patterns = ("*.iaf", "*.IAF")

    def parse(self, read: Read, path: str) -> IafFile:
        return parse_iaf(read_required(read, path), path)

    def accounts(self, parsed: IafFile) -> list[Account]:
        account = mail_account(internet_accounts, parsed.path, values(parsed), "account file", 1, PurePath(parsed.path).stem)
        return [account] if account is not None else []

    def apply(self, parsed: IafFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        if not accounts or not changes:
            return {}, []
        (account,), found = accounts, values(parsed)
        edits = internet_accounts.edits(found, account.incoming, account.outgoing, changes)
        notes = internet_accounts.notes(account, found, changes) + [Note(
            account.key, "windows", "import the file in Outlook Express (Tools > Accounts > Import) after removing"
                                    " the account it was exported from")]
        return {parsed.path: apply_values(parsed, edits)}, notes


@dataclasses.dataclass(frozen=True)
class ParsedAccountFile:
    account: AccountFile
    added: dict[str, EncodedDocument]  #: the IMAP account file of a POP account, empty while it is not written

    @property
    def files(self) -> dict[str, Document]:
        return {self.account.path: self.account, **self.added}


class OeAccountParser(Parser):
    name = "oeaccount"
    client = "Windows Mail"
    patterns = ("*.oeaccount",)

    def parse(self, read: Read, path: str) -> ParsedAccountFile:
        account = parse_oeaccount(read_required(read, path), path)
        added = {}
        reading = internet_accounts.incoming(oe_values(account))
        if reading is not None and reading.protocol == "pop3" and read(imap_file(path)) is None:
            added[imap_file(path)] = EncodedDocument((), imap_file(path), account.encoding)
        return ParsedAccountFile(account, added)

    def accounts(self, parsed: ParsedAccountFile) -> list[Account]:
        document = parsed.account
        account = mail_account(internet_accounts, document.path, oe_values(document), "Windows Mail", document.root_line,
                               PurePath(document.path).stem)
        return [account] if account is not None else []

    def apply(self, parsed: ParsedAccountFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        if not accounts or not changes:
            return {}, []
        (account,), document = accounts, parsed.account
        found = oe_values(document)
        replacing = any(c.field == "incoming.protocol" for c in changes)
        kept = [c for c in changes if not replacing or c.field.startswith("outgoing.") or c.field == "incoming.password"]
        edits = internet_accounts.edits(found, account.incoming, account.outgoing, kept)
        documents: dict[str, Document] = {document.path: document.apply(value_edits(document, edits))}
        notes = internet_accounts.notes(account, found, kept)
        if not replacing:
            return documents, notes
        path = imap_file(document.path)
        if path not in parsed.added:
            return documents, notes + [Note(account.key, "windows", f"its IMAP account is in {path}, written before;"
                                                                      " remove the POP account once that account works")]
        new = internet_accounts.edits(found, account.incoming, account.outgoing, changes)
        new.update({name: None for name in found if is_password(name)})
        new["Account Name"] = RegValue(REG_SZ, f"{text(found, 'Account Name') or PurePath(document.path).stem} (IMAP)")
        documents[path] = dataclasses.replace(document.apply(value_edits(document, new)), path=path)
        return documents, notes + [Note(account.key, "windows", (
            f"Windows Mail cannot turn a POP account into IMAP: the POP account stays (only its outgoing server is"
            f" migrated) and {path} adds the IMAP account, with no saved password; Windows Mail takes it up when it"
            " next starts. Check mail in the new account, then remove the POP account (its mail stays in Local Folders)"))]


def imap_file(path: str) -> str:
    """``…\\Local Folders\\account{GUID}.oeaccount`` -> ``account{OTHER-GUID}.oeaccount`` beside it."""
    where = PurePath(path)
    return str(where.with_name(f"account{{{str(uuid.uuid5(_IMAP_FILES, where.name.lower())).upper()}}}.oeaccount"))
