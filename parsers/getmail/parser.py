"""The GetmailParser itself, imported only when a file of its format is met (see ``parsers/getmail/__init__.py``)."""
from __future__ import annotations

import re
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
from parsers.getmail import MAILMIGRATE_PATTERNS
from parsers.getmail.accounts import RETRIEVER
from parsers.getmail.accounts import account
from parsers.getmail.migration import migrate
from parsers.ini import IniEditor
from parsers.ini import IniFile
from parsers.ini import parse_ini

SECRETS = ("password",)
_RETRIEVER_HEADER = re.compile(rb"(?m)^[ \t]*\[retriever\]")


class GetmailParser(Parser):
    name = "getmail"
    client = "getmail"
    patterns = MAILMIGRATE_PATTERNS

    def setups(self, path: Path) -> Iterator[Path]:
        """An rc file: one getmail would read from its folder (not its state, ``oldmail-*``, nor a hidden, backup
        or editor file), with a ``[retriever]``."""
        name = path.name
        if name.startswith(("oldmail-", ".")) or name.endswith(("~", "#", ".json", ".swp", ".bak")):
            return
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if _RETRIEVER_HEADER.search(data):
            yield path

    def parse(self, read: Read, path: str) -> IniFile:
        return parse_ini(read_required(read, path), path, SECRETS)

    def accounts(self, parsed: IniFile) -> list[Account]:
        return [account(parsed)] if parsed.section(RETRIEVER) is not None else []

    def apply(self, parsed: IniFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        editor, notes = IniEditor(parsed), []
        if changes and accounts:
            notes = migrate(editor, accounts[0], changes)
        return {parsed.path: editor.document()}, notes

    def live(self, path: Path) -> Optional[str]:
        """Never: getmail reads its rc file when it starts and never writes it (a cron job picks up the new one)."""
        return None
