"""Client format plugins, found through the ``mailmigrate.parsers`` entry-point group.

The built-in parsers are registered the same way as third-party ones, so a
new format is one line in its own package's metadata::

    [options.entry_points]
    mailmigrate.parsers =
        myformat = mypackage.myformat:MyFormatParser

A plugin is imported only when a run meets a file it reads: the module its
entry point names may declare those files (``MAILMIGRATE_PATTERNS``, its
parser's ``patterns``) and keep the parser in a module imported on first use.
A plugin without that declaration is imported at the first file looked at, to
ask its parser.
"""
from __future__ import annotations

import fnmatch
import functools
import importlib
import re
from importlib.metadata import EntryPoint
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
#: The name under which a plugin's module may declare the file names its parser reads.
DECLARATION = "MAILMIGRATE_PATTERNS"
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
    #: file names it reads (shell patterns); one with ``/`` names the folders above the file too (``msmtp/config``)
    patterns: ClassVar[tuple[str, ...]]

    def claims(self, path: Path) -> bool:
        return _matches(path, self.patterns)

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


class Plugins(Mapping[str, Parser]):
    """The parsers by entry-point name, in name order; each plugin imported, and its parser made,
    the first time a file needs it, then kept for the rest of the process."""

    def __init__(self, disabled: frozenset[str] = frozenset()) -> None:
        points = sorted(entry_points(group=GROUP), key=lambda point: point.name)
        self._points = {point.name: point for point in points if point.name not in disabled}
        self._declared: dict[str, Optional[tuple[str, ...]]] = {}
        self._parsers: dict[str, Parser] = {}

    def __getitem__(self, name: str) -> Parser:
        if name not in self._parsers:
            self._parsers[name] = _made(self._points[name], self.declared(name))
        return self._parsers[name]

    def __contains__(self, name: object) -> bool:
        return name in self._points

    def __iter__(self) -> Iterator[str]:
        return iter(self._points)

    def __len__(self) -> int:
        return len(self._points)

    def declared(self, name: str) -> Optional[tuple[str, ...]]:
        """The file patterns the plugin's module declares, read without importing its parser; else ``None``."""
        if name not in self._declared:
            point = self._points[name]
            try:
                module = importlib.import_module(point.module)
            except ImportError as error:
                raise MigrateError(f"plugin {name} ({point.value}) cannot be imported: {error}") from None
            patterns = getattr(module, DECLARATION, None)
            if patterns is not None and not (isinstance(patterns, tuple) and all(isinstance(p, str) for p in patterns)):
                raise MigrateError(f"plugin {name} ({point.value}): its {DECLARATION} is not a tuple of file name patterns")
            self._declared[name] = patterns
        return self._declared[name]

    def claimant(self, path: Path) -> Optional[Parser]:
        """The parser of the first plugin that reads a file of this name."""
        for name in self._points:
            patterns = self.declared(name)
            if self[name].claims(path) if patterns is None else _matches(path, patterns):
                return self[name]
        return None


def load_parsers(disabled: frozenset[str] = frozenset()) -> Plugins:
    """The installed format plugins but ``disabled``; none is imported until it is needed."""
    return Plugins(disabled)


def _matches(path: Path, patterns: tuple[str, ...]) -> bool:
    """As many of the path's last parts as a pattern has are matched against it: ``offlineimap/config`` against
    ``offlineimap/config`` of ``~/.config/offlineimap/config``, never against more (``*`` would span folders)."""
    return any(expression.match(path.name if depth == 0 else "/".join(path.parts[-(depth + 1):]))
               for depth, expression in _expressions(patterns))


@functools.lru_cache(maxsize=None)
def _expressions(patterns: tuple[str, ...]) -> tuple[tuple[int, re.Pattern[str]], ...]:
    """The patterns as one expression per number of ``/`` in them (every file of every home is matched)."""
    by_depth: dict[int, list[str]] = {}
    for pattern in patterns:
        by_depth.setdefault(pattern.count("/"), []).append(fnmatch.translate(pattern))
    return tuple((depth, re.compile("|".join(translated))) for depth, translated in by_depth.items())


def _made(point: EntryPoint, declared: Optional[tuple[str, ...]]) -> Parser:
    """The plugin's parser (its module is imported already, to read its declaration)."""
    try:
        parser_class = point.load()
    except AttributeError:
        parser_class = None
    if not (isinstance(parser_class, type) and issubclass(parser_class, Parser)):
        raise MigrateError(f"plugin {point.name} ({point.value}) is not a Parser")
    if declared is not None and tuple(parser_class.patterns) != declared:
        raise MigrateError(f"plugin {point.name} ({point.value}): its {DECLARATION} differ from its parser's patterns")
    return parser_class()
