"""The MulberryParser itself, imported only when a file of its format is met (see ``parsers/mulberry/__init__.py``)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import Edit
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import by_account
from migrate.model import new_values
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from migrate.processes import RunningPrograms
from parsers.mulberry import MAILMIGRATE_PATTERNS
from parsers.mulberry import accounts as neutral
from parsers.mulberry.migration import after
from parsers.mulberry.migration import authenticator
from parsers.mulberry.migration import folders
from parsers.mulberry.migration import imap_for_pop
from parsers.mulberry.migration import imap_name
from parsers.mulberry.migration import in_place
from parsers.mulberry.migration import other_references
from parsers.mulberry.migration import pop_notes
from parsers.mulberry.prefsfile import MAIL_ACCOUNTS
from parsers.mulberry.prefsfile import PrefsFile
from parsers.mulberry.prefsfile import is_preferences
from parsers.mulberry.prefsfile import parse_prefs
from parsers.mulberry.records import Record
from parsers.mulberry.records import mail_records
from parsers.mulberry.records import smtp_records


class MulberryParser(Parser):
    name = "mulberry"
    client = "Mulberry"
    patterns = MAILMIGRATE_PATTERNS

    def __init__(self) -> None:
        self._running = RunningPrograms()

    def setups(self, path: Path) -> Iterator[Path]:
        """The file, when it is a Mulberry preferences map; any other ``.mbp`` is passed over."""
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if is_preferences(data):
            yield path

    def parse(self, read: Read, path: str) -> PrefsFile:
        prefs = parse_prefs(read_required(read, path), path)
        # an account laid out as Mulberry never writes one fails here, before anything is planned
        mail_records(prefs)
        smtp_records(prefs)
        return prefs

    def accounts(self, parsed: PrefsFile) -> list[Account]:
        return neutral.accounts(parsed)

    def apply(self, parsed: PrefsFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        records = {record.key: record for record in mail_records(parsed) + smtp_records(parsed)}
        mine_of = by_account(changes)
        edits: list[Edit] = []
        notes: list[Note] = []
        added: list[str] = []
        copies = neutral.copies_to(parsed)
        names = {neutral.name_of(parsed, other) for other in mail_records(parsed)}
        imap_logins = {_login(after(other.incoming, mine_of.get(other.key, []), "incoming"))
                       for other in accounts if other.incoming.protocol == "imap"}
        for account in accounts:
            mine = mine_of.get(account.key)
            if not mine:
                continue
            record = records[account.key]
            if record.kind == "SMTP":
                assert account.outgoing is not None
                edits += in_place(parsed, record, account.outgoing, mine, "outgoing")
            elif record.kind == "IMAP":
                edits += in_place(parsed, record, account.incoming, mine, "incoming") + folders(parsed, record, mine, copies)
                notes += other_references(parsed, record, account)
            else:
                found, new, note = _stand_in(parsed, record, account, mine, names, imap_logins)
                edits += found
                added += [new] if new is not None else []
                notes += [note] if note is not None else []
        tree = parsed.tree(MAIL_ACCOUNTS)
        if added and tree is not None:
            edits.append(Edit(tree.close, tree.close, "".join(added)))
        return {parsed.path: parsed.apply(edits)}, notes

    def live(self, path: Path) -> Optional[str]:
        """A Mulberry of the file's owner is running: it leaves no lock or pid file, and writes its
        preferences back when it quits, so its process is all there is to see."""
        try:
            owner = os.lstat(path).st_uid
        except OSError:
            return None
        if any(program.startswith(b"mulberry") for program in self._running.of(owner)):
            return "Mulberry is running as the file's owner: quit it first (it writes its preferences back as it quits)"
        return None


def _stand_in(parsed: PrefsFile, record: Record, account: Account, mine: list[Change], names: set[str],
              imap_logins: set[tuple[str, Optional[str]]]) -> tuple[list[Edit], Optional[str], Optional[Note]]:
    """A POP account: its saved password taken out if asked, and the IMAP account that stands in for it
    (``None`` when the file has it already: an account of its name, or an IMAP account of the same login on
    the same server once migrated, among ``names`` and ``imap_logins``) with what to say."""
    password = {k: v for k, v in new_values(mine, "incoming").items() if k == "password"}
    edits = authenticator(parsed, record, password, account.incoming)
    if not any(c.field == "incoming.protocol" for c in mine):
        return edits, None, None
    has_imap = imap_name(parsed, record) in names or _login(after(account.incoming, mine, "incoming")) in imap_logins
    new = None if has_imap else imap_for_pop(parsed, record, account, mine)
    return edits, new, pop_notes(parsed, record, account, imap_name(parsed, record) if new else None)


def _login(endpoint: Endpoint) -> tuple[str, Optional[str]]:
    """What makes two IMAP accounts one: the server (any case) and the login."""
    return (endpoint.host or "").lower(), endpoint.username
