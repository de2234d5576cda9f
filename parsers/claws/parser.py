"""The ClawsParser itself, imported only when an ``accountrc`` is met (see ``parsers/claws/__init__.py``)."""
from __future__ import annotations

import os
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
from parsers.claws import MAILMIGRATE_PATTERNS
from parsers.claws import program
from parsers.claws.accounts import accounts
from parsers.claws.live import Instances
from parsers.claws.migration import migrate
from parsers.claws.profile import Profile
from parsers.claws.profile import load


class ClawsParser(Parser):
    name = "claws"
    client = "Claws Mail / Sylpheed"
    patterns = MAILMIGRATE_PATTERNS

    def __init__(self) -> None:
        self._instances = Instances()  #: one view of /proc serves the setups of the next second

    def setups(self, path: Path) -> Iterator[Path]:
        """An ``accountrc`` with at least one account stands for its folder."""
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if data.startswith(b"[Account: ") or b"\n[Account: " in data:
            yield path

    def parse(self, read: Read, path: str) -> Profile:
        return load(read, path)

    def accounts(self, parsed: Profile) -> list[Account]:
        return accounts(parsed)

    def apply(self, parsed: Profile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        return migrate(parsed, accounts, changes)

    def live(self, path: Path) -> Optional[str]:
        folder = str(path.parent)
        siblings = frozenset(name for name in ("clawsrc", "sylpheedrc") if os.path.lexists(os.path.join(folder, name)))
        found = program.detect(path.parent.name, frozenset(), siblings)
        if found is not None:
            return self._instances.running(folder, found)
        return self._instances.running(folder, program.CLAWS) or self._instances.running(folder, program.SYLPHEED)
