"""Roaming profiles' registry hives (``NTUSER.DAT``): the same accounts as in a ``.reg`` export, read
and written with hivex (``hive``).

The account keys are read from the hive and shown as the ``.reg`` export
regedit would give of them (``Windows Registry Editor Version 5.00``, saved
passwords masked): that text is what the rules read (``registry_accounts``),
what a plan's diff shows, and what tells a changed hive from an unchanged one.
The bytes written are the hive itself, edited by hivex in a private copy;
the core's runner backs it up and swaps it in like any other file.  An
unchanged hive keeps its bytes and is never written.  For a MAPI profile's
POP account the PRF is written beside the hive, as beside an export.  A
profile in use (``hive.in_use``) is left alone.
"""
from __future__ import annotations

import dataclasses
import functools
import struct
from pathlib import Path
from typing import Optional

from migrate.document import Document
from migrate.document import EncodedDocument
from migrate.document import FileDocument
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.windows import hive
from parsers.windows.registry_accounts import existing_prfs
from parsers.windows.registry_accounts import key_accounts
from parsers.windows.registry_accounts import migrated
from parsers.windows.regfile import BOM
from parsers.windows.regfile import HEADER_5
from parsers.windows.regfile import MAX_DATA
from parsers.windows.regfile import RegFile
from parsers.windows.regfile import format_data
from parsers.windows.regfile import parse_reg
from parsers.windows.regfile import quote
from parsers.windows.regkeys import Key
from parsers.windows.regkeys import keys
from parsers.windows.regkeys import value_edits
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import ValueEdits

ROOT = "HKEY_CURRENT_USER"
#: The keys read: where Outlook Express and Outlook keep accounts, and the Outlook versions' own (to write their PRF).
TREES = (
    r"Software\Microsoft\Internet Account Manager",
    r"Identities",
    r"Software\Microsoft\Office\Outlook\OMI Account Manager",
    r"Software\Microsoft\Windows NT\CurrentVersion\Windows Messaging Subsystem\Profiles",
    r"Software\Microsoft\Office\10.0\Outlook",
    r"Software\Microsoft\Office\11.0\Outlook",
    r"Software\Microsoft\Office\12.0\Outlook",
)
_NEWLINE = "\r\n"


@dataclasses.dataclass(frozen=True)
class HiveDocument(FileDocument):
    """A hive: its tokens are the ``.reg`` view of its account keys, its bytes the hive with ``edits`` made."""

    hive: bytes = dataclasses.field(default=b"", repr=False)
    edits: tuple[hive.Edit, ...] = ()

    def to_bytes(self) -> bytes:
        return self._edited

    @functools.cached_property
    def _edited(self) -> bytes:
        return hive.edited(self.hive, self.path, self.edits) if self.edits else self.hive


@dataclasses.dataclass(frozen=True)
class ParsedHive:
    view: RegFile
    hive: bytes
    prfs: dict[str, EncodedDocument]  #: as in ``parser.ParsedExport``

    @property
    def files(self) -> dict[str, Document]:
        return {self.view.path: HiveDocument(self.view.tokens, self.view.path, self.hive), **self.prfs}

    @property
    def keys(self) -> dict[str, Key]:
        return keys(self.view)


class NtuserParser(Parser):
    name = "ntuser"
    client = "Outlook"
    patterns = ("NTUSER.DAT", "ntuser.dat")

    def parse(self, read: Read, path: str) -> ParsedHive:
        data = read_required(read, path)
        problem = hive.malformed(data)
        if problem:
            raise hive.HiveError(f"{path}: {problem}")
        view = parse_reg(view_text(hive.read_values(data, path, TREES), path).encode("utf-16-le"), path)
        return ParsedHive(view, data, existing_prfs(read, path, keys(view)))

    def accounts(self, parsed: ParsedHive) -> list[Account]:
        return key_accounts(parsed.keys)

    def apply(self, parsed: ParsedHive, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        edits, prfs, notes = migrated(parsed.keys, parsed.view.path, accounts, changes)
        if not any(found for _, found in edits):
            return prfs, notes
        view = parsed.view.apply([edit for key, found in edits for edit in value_edits(parsed.view, key, found)])
        changed = tuple(change for key, found in edits for change in hive_edits(key, found))
        return {parsed.view.path: HiveDocument(view.tokens, view.path, parsed.hive, changed), **prfs}, notes

    def live(self, path: Path) -> Optional[str]:
        return hive.in_use(path)


def view_text(values: list[hive.HiveValue], path: str) -> str:
    """The ``.reg`` export of these values, keys in the order given, under ``HKEY_CURRENT_USER``."""
    lines, key = [BOM + HEADER_5], None
    for value in values:
        if any(ord(c) < 32 for c in value.key + value.name):
            raise hive.HiveError(f"{path}: a control character in a name under {ROOT}\\{value.key}; left alone")
        if len(value.data) > MAX_DATA // 3:
            raise hive.HiveError(f"{path}: value {value.name!r} of {ROOT}\\{value.key} is {len(value.data)} bytes,"
                                 " too large for an account value; left alone")
        if value.key != key:
            lines += ["", f"[{ROOT}\\{value.key}]"]
            key = value.key
        name = "@" if value.name == "" else quote(value.name)
        lines.append(f"{name}={format_data(reg_value(value), len(name) + 1, _NEWLINE)}")
    return _NEWLINE.join(lines) + _NEWLINE


def reg_value(value: hive.HiveValue) -> RegValue:
    """As a ``.reg`` file gives it: REG_SZ as text when it is UTF-16 ending in its NUL, REG_DWORD as a number."""
    if value.type == REG_DWORD and len(value.data) == 4:
        return RegValue(REG_DWORD, struct.unpack("<I", value.data)[0])
    if value.type == REG_SZ and len(value.data) % 2 == 0:
        try:
            text = value.data.decode("utf-16-le")
        except UnicodeDecodeError:
            return RegValue(value.type, value.data)
        if text.endswith("\0") and text[:-1].isprintable():
            return RegValue(REG_SZ, text[:-1])
    return RegValue(value.type, value.data)


def hive_edits(key: Key, found: ValueEdits) -> list[hive.Edit]:
    """The rules' value edits of one key as edits of the hive."""
    below = key.path[len(ROOT) + 1:]
    return [hive.Deletion(below, name) if value is None else hive.HiveValue(below, name, value.type, _data(value))
            for name, value in found.items()]


def _data(value: RegValue) -> bytes:
    if isinstance(value.data, str):
        return (value.data + "\0").encode("utf-16-le")
    if isinstance(value.data, int):
        return struct.pack("<I", value.data)
    return value.data
