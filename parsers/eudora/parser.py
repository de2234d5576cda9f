"""The EudoraParser itself, imported only when a file of its format is met (see ``parsers/eudora/__init__.py``)."""
from __future__ import annotations

from pathlib import Path
from pathlib import PurePath
from typing import Optional

from migrate.document import Document
from migrate.errors import SkipFile
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.eudora import MAILMIGRATE_PATTERNS
from parsers.eudora import mac
from parsers.eudora.accounts import account
from parsers.eudora.ini import IniFile
from parsers.eudora.ini import parse_ini
from parsers.eudora.ini import set_values
from parsers.eudora.lock import in_use
from parsers.eudora.migration import Values
from parsers.eudora.migration import pin_note
from parsers.eudora.migration import pinned
from parsers.eudora.migration import wanted
from parsers.eudora.personalities import personalities


class EudoraParser(Parser):
    name = "eudora"
    client = "Eudora"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> IniFile:
        if PurePath(path).name == mac.NAME:
            raise SkipFile(mac.refusal(read, path))
        return parse_ini(read_required(read, path), path)

    def accounts(self, parsed: IniFile) -> list[Account]:
        found = (account(person) for person in personalities(parsed))
        return [one for one in found if one is not None]

    def apply(self, parsed: IniFile, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        people = list(personalities(parsed))
        by_key = {person.key: person for person in people}
        mine_of = by_account(changes)
        changed: dict[str, Values] = {}
        notes: list[Note] = []
        for one in accounts:
            mine = mine_of.get(one.key)
            if mine:
                changed[one.key], said = wanted(by_key[one.key], one, mine)
                notes += said
        for key, values in pinned(people, changed).items():
            notes.append(pin_note(by_key[key], list(values), key if any(a.key == key for a in accounts) else people[0].key))
            changed[key] = {**changed.get(key, {}), **values}
        sections = {by_key[key].section_name: values for key, values in changed.items() if values}
        return {parsed.path: parsed.apply(set_values(parsed, sections))}, notes

    def live(self, path: Path) -> Optional[str]:
        """A Windows data folder whose ``OWNER.LOK`` names an Eudora window (see ``lock``)."""
        return in_use(path) if path.name != mac.NAME else None
