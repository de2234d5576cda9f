"""The AppleMailParser itself, imported only when a file of its format is met (see ``parsers/applemail/__init__.py``)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from migrate.processes import RunningPrograms
from parsers.applemail import MAILMIGRATE_PATTERNS
from parsers.applemail.live import mail_running
from parsers.applemail.migration import migrated
from parsers.applemail.plist import parse_plist
from parsers.applemail.setup import MailSetup

#: Bytes every file of Mail's accounts holds, binary or XML (a binary plist keeps ASCII keys as they are).
_MARKS = (b"MailAccounts", b"DeliveryAccounts")


class AppleMailParser(Parser):
    name = "applemail"
    client = "Apple Mail"
    patterns = MAILMIGRATE_PATTERNS

    def __init__(self) -> None:
        self._running = RunningPrograms()  #: one view of the processes serves the setups of the next second

    def setups(self, path: Path) -> Iterator[Path]:
        """A file that holds Mail's accounts (other programs have an ``Accounts.plist`` too; later Macs' preferences hold none)."""
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if any(mark in data for mark in _MARKS):
            yield path

    def parse(self, read: Read, path: str) -> MailSetup:
        return MailSetup(parse_plist(read_required(read, path), path))

    def accounts(self, parsed: MailSetup) -> list[Account]:
        return parsed.accounts()

    def apply(self, parsed: MailSetup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        ops, notes = migrated(parsed, accounts, changes)
        after = parsed.plist.edited(ops)
        return ({parsed.plist.path: after} if after is not parsed.plist else {}), notes

    def live(self, path: Path) -> Optional[str]:
        return mail_running(self._running, path)
