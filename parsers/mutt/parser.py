"""The MuttParser itself, imported only when a file of its format is met (see ``parsers/mutt/__init__.py``)."""
from __future__ import annotations

import dataclasses

from migrate.document import Document
from migrate.errors import MigrateError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from parsers.mutt import MAILMIGRATE_PATTERNS
from parsers.mutt import accounts as neutral
from parsers.mutt.certificates import check_again
from parsers.mutt.config import Setup
from parsers.mutt.config import load
from parsers.mutt.migration import migrate_server
from parsers.mutt.references import Findings
from parsers.mutt.references import find
from parsers.mutt.rewrite import MuttRewrite


@dataclasses.dataclass(frozen=True)
class ParsedMutt:
    setup: Setup
    found: Findings

    @property
    def files(self) -> dict[str, Document]:
        return self.setup.files


class MuttParser(Parser):
    name = "muttrc"
    client = "mutt"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> ParsedMutt:
        setup = load(read, path)
        if setup is None:
            raise MigrateError(f"{path}: no such file")
        return ParsedMutt(setup, find(setup))

    def accounts(self, parsed: ParsedMutt) -> list[Account]:
        found = []
        for server in neutral.servers(parsed.found):
            ref = server.refs[0] if server.refs else None
            muttrc = parsed.setup.muttrcs[ref.file] if ref else parsed.setup.muttrcs[parsed.setup.main]
            line = muttrc.position(ref.word.index)[0] if ref else 1
            found.append(neutral.account(server, parsed.found, line))
        return found

    def apply(
        self, parsed: ParsedMutt, accounts: list[Account], changes: list[Change]
    ) -> tuple[dict[str, Document], list[Note]]:
        rewrite = MuttRewrite(parsed.setup)
        servers = {server.key: server for server in neutral.servers(parsed.found)}
        rewrite.migrating = {servers[c.account].host for c in changes if c.account in servers}
        mine_of = by_account(changes)
        for account in accounts:
            mine = mine_of.get(account.key)
            if mine:
                migrate_server(rewrite, parsed.found, servers[account.key], account, mine)
        check_again(rewrite, parsed.found, accounts, changes)
        return rewrite.documents(), rewrite.notes + list(parsed.setup.notes) + parsed.found.notes
