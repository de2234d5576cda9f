"""The WindowsRegistryParser itself, imported only when a file of its format is met (see ``parsers/windows/__init__.py``)."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import EncodedDocument
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.windows.registry_accounts import existing_prfs
from parsers.windows.registry_accounts import key_accounts
from parsers.windows.registry_accounts import migrated
from parsers.windows.regfile import RegFile
from parsers.windows.regfile import parse_reg
from parsers.windows.regkeys import Key
from parsers.windows.regkeys import keys
from parsers.windows.regkeys import value_edits

#: Text that marks an export holding an account key (checked before parsing, so other exports are passed over).
_ACCOUNT_KEYS = re.compile(r"Account Manager\\Accounts\\|9375CFF0413111d3B88A00104B2A6676\\", re.IGNORECASE)


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
        return ParsedExport(reg, existing_prfs(read, path, keys(reg)))

    def accounts(self, parsed: ParsedExport) -> list[Account]:
        return key_accounts(parsed.keys)

    def apply(self, parsed: ParsedExport, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        edits, prfs, notes = migrated(parsed.keys, parsed.reg.path, accounts, changes)
        lines = [edit for key, found in edits for edit in value_edits(parsed.reg, key, found)]
        return {parsed.reg.path: parsed.reg.apply(lines), **prfs}, notes

    def live(self, path: Path) -> Optional[str]:
        """Never: Outlook and Outlook Express run on Windows, not on the file server holding the export."""
        return None
