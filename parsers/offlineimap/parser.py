"""The OfflineimapParser itself, imported only when a file of its format is met (see ``parsers/offlineimap/__init__.py``)."""
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
from parsers.ini import IniEditor
from parsers.ini import IniFile
from parsers.ini import parse_ini
from parsers.offlineimap import MAILMIGRATE_PATTERNS
from parsers.offlineimap.accounts import Repository
from parsers.offlineimap.accounts import account
from parsers.offlineimap.accounts import accounts_using
from parsers.offlineimap.accounts import repositories
from parsers.offlineimap.migration import migrate

SECRETS = ("remotepass",)


class OfflineimapParser(Parser):
    name = "offlineimap"
    client = "offlineimap"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> IniFile:
        return parse_ini(read_required(read, path), path, SECRETS)

    def accounts(self, parsed: IniFile) -> list[Account]:
        return [account(parsed, repository) for repository in repositories(parsed)]

    def apply(self, parsed: IniFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        editor, notes = IniEditor(parsed), []
        grouped, users = by_account(changes), accounts_using(parsed)
        for item in accounts:
            if grouped.get(item.key):
                notes += migrate(editor, _repository(item.key), item, grouped[item.key], users)
        return {parsed.path: editor.document()}, notes

    def live(self, path: Path) -> Optional[str]:
        """Never: offlineimap reads its file when it starts and never writes it (a running one is named in the notes)."""
        return None


def _repository(key: str) -> Repository:
    return Repository(key[len("Repository "):])
