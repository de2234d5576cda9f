"""Client format plugins, found through the ``mailmigrate.parsers`` entry-point group.

The built-in parsers are registered the same way as third-party ones, so a
new format is one line in its own package's metadata::

    [options.entry_points]
    mailmigrate.parsers =
        myformat = mypackage.myformat:MyFormatParser
"""
from __future__ import annotations

import fnmatch
from importlib.metadata import entry_points
from pathlib import Path
from typing import Callable
from typing import Iterator
from typing import ClassVar
from typing import Mapping
from typing import Optional
from typing import Protocol

from migrate.document import Document
from migrate.errors import MigrateError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note

GROUP = "mailmigrate.parsers"
#: Reads one file of a setup: its bytes, or ``None`` when it does not exist.
#: In a batch run over homes it also has ``root``, the home it never reads outside of.
Read = Callable[[str], Optional[bytes]]


def reader_root(read: Read) -> Optional[Path]:
    """The home a batch run's reader is confined to (where ``~`` points for its setups), else ``None``."""
    return getattr(read, "root", None)


class Parsed(Protocol):
    """What ``Parser.parse`` returns: anything that lists the setup's files as documents."""

    @property
    def files(self) -> Mapping[str, Document]: ...


class Parser:
    """What a format plugin provides; subclass it and register the class."""

    name: ClassVar[str]  #: also the entry-point name
    client: ClassVar[str]  #: the program, for people: ``"fetchmail"``
    patterns: ClassVar[tuple[str, ...]]  #: file names it reads (shell patterns)

    def claims(self, path: Path) -> bool:
        return any(fnmatch.fnmatchcase(path.name, pattern) for pattern in self.patterns)

    def setups(self, path: Path) -> Iterator[Path]:
        """The setups a claimed file stands for: itself, or e.g. the profiles a ``profiles.ini`` lists."""
        yield path

    def parse(self, read: Read, path: str) -> Parsed:
        """The setup at ``path`` as lossless documents; ``ParseError`` with file, line and column."""
        raise NotImplementedError

    def parse_bytes(self, data: bytes, path: str) -> Parsed:
        """``parse`` for a setup that is one file, given as bytes."""
        return self.parse({path: data}.get, path)

    def accounts(self, parsed: Parsed) -> list[Account]:
        raise NotImplementedError

    def apply(self, parsed: Parsed, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        """The documents the changes touch, rewritten, and anything people should know about them."""
        raise NotImplementedError

    def live(self, path: Path) -> Optional[str]:
        """Why the file must be left alone now (its client is running), or ``None``."""
        return None


def read_required(read: Read, path: str) -> bytes:
    """The bytes of a file the setup cannot do without."""
    data = read(path)
    if data is None:
        raise MigrateError(f"{path}: no such file")
    return data


def load_parsers(disabled: frozenset[str] = frozenset()) -> dict[str, Parser]:
    parsers = {}
    for entry_point in sorted(entry_points(group=GROUP), key=lambda ep: ep.name):
        if entry_point.name in disabled:
            continue
        parser_class = entry_point.load()
        if not (isinstance(parser_class, type) and issubclass(parser_class, Parser)):
            raise MigrateError(f"plugin {entry_point.name} ({entry_point.value}) is not a Parser")
        parsers[entry_point.name] = parser_class()
    return parsers
