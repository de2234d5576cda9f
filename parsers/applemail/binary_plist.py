"""Binary property lists (``bplist00``): read with plistlib, written back from the value when it changes.

A binary file cannot be edited in place (objects are found through a table of
offsets), so a changed one is written anew by plistlib from the value read,
with the edits made and every dictionary's keys in their order: reloaded, it
is the value read but for the changed values.  Its bytes differ from Mail's
own writer (object order, integer widths); a date is kept to the microsecond,
plistlib's resolution.  A file with nothing to change keeps its bytes and is
never written.

What people and the diff see is the file's XML view (``render``), as
``plutil -convert xml1`` would show it.  Refused, as Mail never writes them
and plistlib could not write them back: a container used in two places (or in
itself), nesting deeper than ``MAX_DEPTH``, a null, a key that is not a
string, a number outside 64 bits.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import plistlib
from typing import Mapping

from migrate.document import FileDocument
from migrate.document import Token
from migrate.errors import MigrateError
from parsers.applemail import render
from parsers.applemail.values import Op
from parsers.applemail.values import Path
from parsers.applemail.values import edited
from parsers.applemail.values import same

MAGIC = b"bplist00"
MAX_DEPTH = 64
_SCALARS = (str, bool, int, float, bytes, datetime.datetime, plistlib.UID)


@dataclasses.dataclass(frozen=True)
class BinaryPlist(FileDocument):
    """``render`` is the XML view; ``to_bytes`` the file: as read (``data``) until an edit changes its value."""

    data: bytes = dataclasses.field(default=b"", repr=False)
    value: object = None
    lines: Mapping[Path, int] = dataclasses.field(default_factory=dict)  #: each container's line in the view
    changed: bool = False

    def to_bytes(self) -> bytes:
        return self._written if self.changed else self.data

    @functools.cached_property
    def _written(self) -> bytes:
        return plistlib.dumps(self.value, fmt=plistlib.FMT_BINARY, sort_keys=False)

    def line(self, path: Path) -> int:
        return self.lines[path]

    def edited(self, ops: list[Op]) -> BinaryPlist:
        value = edited(self.value, ops)
        return self if same(value, self.value) else binary_plist(self.path, self.data, value, changed=True)


def binary_plist(path: str, data: bytes, value: object, changed: bool = False) -> BinaryPlist:
    view, lines = render.document(value)
    return BinaryPlist((Token("VIEW", view),), path, data, value, lines, changed)


def parse_binary(data: bytes, path: str) -> BinaryPlist:
    try:
        value = plistlib.loads(data, fmt=plistlib.FMT_BINARY)
    except plistlib.InvalidFileException:
        raise MigrateError(f"{path}: not a binary property list plistlib can read (truncated or damaged)") from None
    except RecursionError:
        raise MigrateError(f"{path}: values nested too deep for plistlib (or containing themselves)") from None
    problem = _unwritable(value)
    if problem:
        raise MigrateError(f"{path}: {problem}; not a property list Mail writes, left alone")
    return binary_plist(path, data, value)


def _unwritable(value: object) -> str:
    """Why plistlib could not write ``value`` back as it is (or why Mail never wrote it); ``""`` when it can."""
    seen: set[int] = set()
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if id(item) in seen:
                return "a container used in two places, or inside itself"
            if depth >= MAX_DEPTH:
                return f"values nested more than {MAX_DEPTH} deep"
            seen.add(id(item))
            if isinstance(item, dict) and not all(isinstance(key, str) for key in item):
                return "a dictionary key that is not a string"
            pending += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
        elif not isinstance(item, _SCALARS):
            return f"a {type(item).__name__} value, which property lists do not have"
        elif isinstance(item, int) and not -(1 << 63) <= item < 1 << 64:
            return "a number outside 64 bits"
    return ""
