"""The PineParser itself, imported only when a file of its format is met (see ``parsers/pine/__init__.py``)."""
from __future__ import annotations

from collections import Counter

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.pine import MAILMIGRATE_PATTERNS
from parsers.pine import accounts as neutral
from parsers.pine.migration import certificate_notes
from parsers.pine.migration import rewrite
from parsers.pine.migration import timeouts
from parsers.pine.pinerc import Pinerc
from parsers.pine.pinerc import parse_pinerc


class PineParser(Parser):
    name = "pinerc"
    client = "Alpine"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> Pinerc:
        return parse_pinerc(read_required(read, path), path)

    def accounts(self, parsed: Pinerc) -> list[Account]:
        reader = neutral.reading_user(parsed)
        logins = neutral.servers(parsed)
        hosts = Counter(_server(found) for found in logins.values())
        return [neutral.account(key, found, parsed.position(found[0].element.index)[0], reader, hosts[_server(found)] > 1)
                for key, found in logins.items()]

    def apply(self, parsed: Pinerc, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        servers = neutral.servers(parsed)
        texts: dict[int, str] = {}
        notes: list[Note] = []
        edits: list[Edit] = []
        mine_of = by_account(changes)
        for account in accounts:
            mine = mine_of.get(account.key)
            if not mine:
                continue
            names = servers[account.key]
            texts.update(rewrite(parsed, names, account, mine))
            notes += certificate_notes(account, mine)
            if account.incoming.protocol in ("imap", "pop3") and not edits:
                edits += timeouts(parsed, notes, account)
        edits += [Edit(index, index + 1, text) for index, text in texts.items() if text != parsed.tokens[index].text]
        return {parsed.path: parsed.apply(edits)}, notes


def _server(found: list[neutral.Name]) -> tuple[str, str]:
    return found[0].spec.service, found[0].spec.host.lower()
