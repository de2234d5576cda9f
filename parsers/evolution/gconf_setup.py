"""An Evolution 2.x – 3.4 setup as the parser sees it: the GConf file of its accounts, with the filters naming their folders.

Apart from the 3.6+ parser, so that a run meeting only source files never
imports the XML modules (``xml.sax.saxutils`` brings ``urllib.request``,
``http.client`` and ``ssl``: some 15 ms, a sixth of a small run).
"""
from __future__ import annotations

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.evolution import gconf_accounts
from parsers.evolution.gconf import GconfSetup
from parsers.evolution.gconf import parse_gconf
from parsers.evolution.gconf import rules_folders
from parsers.evolution.sources import load_rule_files


def parse(read: Read, path: str) -> GconfSetup:
    rule_files = next((found for found in (load_rule_files(read, folder) for folder in rules_folders(path)) if found), ())
    return GconfSetup(parse_gconf(read_required(read, path), path), rule_files)


def accounts(setup: GconfSetup) -> list[Account]:
    gconf = setup.gconf
    found = (gconf_accounts.account(setup, entry, gconf.position(entry.fields[0].index)[0] if entry.fields else 1)
             for entry in gconf.accounts)
    return [account for account in found if account is not None]


def apply(setup: GconfSetup, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
    notes: list[Note] = []
    edits: list[Edit] = []
    rule_edits: dict[str, list[Edit]] = {}
    mine_of = by_account(changes)
    for account in accounts:
        mine = mine_of.get(account.key)
        if not mine:
            continue
        entry = setup.gconf.account(account.key)
        assert entry is not None
        edits += gconf_accounts.migrate(setup.gconf, entry, account, mine, notes)
        for path, found in gconf_accounts.migrate_rules(setup, entry, account, mine).items():
            rule_edits.setdefault(path, []).extend(found)
    documents: dict[str, Document] = {setup.gconf.path: setup.gconf.apply(edits)}
    documents.update({rules.path: rules.apply(rule_edits[rules.path]) for rules in setup.rule_files if rule_edits.get(rules.path)})
    return documents, notes
