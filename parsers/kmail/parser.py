"""The KMailParser itself, imported only when a file of its format is met (see ``parsers/kmail/__init__.py``)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional
from typing import Union

from migrate.document import Document
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from parsers.kmail import MAILMIGRATE_PATTERNS
from parsers.kmail import akonadi
from parsers.kmail import akonadi_migration
from parsers.kmail import kmail1
from parsers.kmail import kmail1_migration
from parsers.kmail import transports
from parsers.kmail.running import akonadi_running
from parsers.kmail.running import kmail1_running
from migrate.processes import RunningPrograms

Setup = Union[kmail1.Kmail1Setup, akonadi.ResourceSetup, transports.TransportsSetup]


class KMailParser(Parser):
    name = "kmail"
    client = "KMail"
    patterns = MAILMIGRATE_PATTERNS

    def __init__(self) -> None:
        self._running = RunningPrograms()  #: one view of /proc serves the setups of the next second

    def parse(self, read: Read, path: str) -> Setup:
        name = os.path.basename(path)
        if name == "kmailrc":
            return kmail1.load(read, path)
        if name == "mailtransports":
            return transports.load(read, path)
        return akonadi.load(read, path)

    def accounts(self, parsed: Setup) -> list[Account]:
        if isinstance(parsed, kmail1.Kmail1Setup):
            return kmail1.accounts(parsed)
        if isinstance(parsed, transports.TransportsSetup):
            return transports.accounts(parsed)
        return akonadi.accounts(parsed)

    def apply(self, parsed: Setup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        if isinstance(parsed, kmail1.Kmail1Setup):
            return kmail1_migration.migrate(parsed, accounts, changes)
        if isinstance(parsed, transports.TransportsSetup):
            return transports.migrate(parsed, accounts, changes)
        return akonadi_migration.migrate(parsed, accounts, changes)

    def live(self, path: Path) -> Optional[str]:
        if path.name == "kmailrc":
            return kmail1_running(path, self._running)
        return akonadi_running(path, self._running)
