"""The EvolutionParser itself, imported only when a file of its format is met (see ``parsers/evolution/__init__.py``)."""
from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from typing import Iterator
from typing import Optional
from typing import Union

from migrate.document import Document
from migrate.document import decode
from migrate.errors import MigrateError
from migrate.files import read_source
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from parsers.evolution import MAILMIGRATE_PATTERNS
from parsers.evolution import sources
from parsers.evolution.keyfile import parse_keyfile
from parsers.evolution.migration import migrate
from parsers.processes import RunningPrograms
from parsers.processes import config_folder

if TYPE_CHECKING:
    from parsers.evolution.gconf import GconfSetup


class EvolutionParser(Parser):
    name = "evolution"
    client = "Evolution"
    patterns = MAILMIGRATE_PATTERNS

    def __init__(self) -> None:
        self._running = RunningPrograms()  #: one view of /proc serves the setups of the next second

    def setups(self, path: Path) -> Iterator[Path]:
        """Account key files (identities and transports go with their account), and GConf mail settings."""
        if path.name == "%gconf.xml":
            if path.parts[-4:-1] == ("apps", "evolution", "mail"):
                yield path
            return
        try:
            data = read_source(path).data
        except (OSError, MigrateError):
            return
        if path.name == "%gconf-tree.xml":
            if b'<dir name="evolution">' in data:
                yield path
        elif sources.is_mail_account(parse_keyfile(data, str(path))):
            yield path

    def parse(self, read: Read, path: str) -> Union[sources.SourceAccount, GconfSetup]:
        if path.endswith(".xml"):
            return _gconf().parse(read, path)
        loaded = sources.load(read, path)
        if loaded is None:
            raise MigrateError(f"{path}: no such file")
        return loaded

    def accounts(self, parsed: Union[sources.SourceAccount, GconfSetup]) -> list[Account]:
        if not isinstance(parsed, sources.SourceAccount):
            return _gconf().accounts(parsed)
        return [sources.account(parsed, 1)] if sources.is_mail_account(parsed.account) else []

    def apply(
        self, parsed: Union[sources.SourceAccount, GconfSetup], accounts: list[Account], changes: list[Change]
    ) -> tuple[dict[str, Document], list[Note]]:
        if not isinstance(parsed, sources.SourceAccount):
            return _gconf().apply(parsed, accounts, changes)
        notes: list[Note] = []
        documents: dict[str, Document] = {}
        for account in accounts:
            mine = [change for change in changes if change.account == account.key]
            if mine:
                documents.update(migrate(parsed, account, mine, notes))
        return documents, notes

    def live(self, path: Path) -> Optional[str]:
        if path.suffix == ".source":
            try:
                pid = int(decode(read_source(path.parent.parent / ".running").data).split()[0])
                if b"evolution" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return "Evolution is running: close it first (evolution --force-shutdown)"
            except (OSError, ValueError, IndexError, MigrateError):
                pass
            running = "evolution-source-registry" if self._registry_serving(path) else None
        else:  # GConf: Evolution 2.x itself, or the GConf daemon that would write its cache back
            running = self._program_of_owner(path, (b"evolution", b"gconfd-2"))
        return f"{running} is running: close Evolution first (evolution --force-shutdown)" if running else None

    def _registry_serving(self, path: Path) -> bool:
        """Whether a source registry of the owner reads the folder of ``path`` (one whose environment
        cannot be read is taken to)."""
        try:
            registries = self._running.of(os.lstat(path).st_uid).get(b"evolution-source-registry", ())
        except OSError:
            return False
        sources = os.path.realpath(path.parent)
        return any(folder is None or os.path.realpath(os.path.join(folder, "evolution", "sources")) == sources
                   for folder in map(config_folder, registries))

    def _program_of_owner(self, path: Path, names: tuple[bytes, ...]) -> Optional[str]:
        """The first of ``names`` running as the owner of ``path`` (its program name, not its arguments)."""
        try:
            programs = self._running.of(os.lstat(path).st_uid)
        except OSError:
            return None
        return next((name.decode() for name in names for program in programs
                     if program == name or program.startswith(name + b"-2.")), None)


def _gconf() -> ModuleType:
    """The 2.x setups' half of the parser, imported for the first of them."""
    from parsers.evolution import gconf_setup

    return gconf_setup
