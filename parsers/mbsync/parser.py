"""The MbsyncParser itself, imported only when a file of its format is met (see ``parsers/mbsync/__init__.py``)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from migrate.document import Document
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.mbsync import MAILMIGRATE_PATTERNS
from parsers.mbsync.accounts import account
from parsers.mbsync.accounts import servers
from parsers.mbsync.config import MbsyncConfig
from parsers.mbsync.config import parse_mbsync
from parsers.mbsync.migration import Rewrite
from parsers.mbsync.migration import migrate


class MbsyncParser(Parser):
    name = "mbsync"
    client = "mbsync"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> MbsyncConfig:
        return parse_mbsync(read_required(read, path), path)

    def accounts(self, parsed: MbsyncConfig) -> list[Account]:
        return [account(server) for server in servers(parsed).values()]

    def apply(self, parsed: MbsyncConfig, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        found, rewrite, notes, grouped = servers(parsed), Rewrite(parsed), [], by_account(changes)
        for item in accounts:
            mine = grouped.get(item.key)
            if mine:
                notes += migrate(rewrite, found[item.key], item, mine)
        return {parsed.path: rewrite.document()}, notes

    def live(self, path: Path) -> Optional[str]:
        """Never: mbsync reads its file when it starts and never writes it; a run under way keeps the old settings."""
        return None
