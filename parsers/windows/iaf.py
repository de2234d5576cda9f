"""Internet Account Files (``.iaf``): one Outlook Express / Outlook account, exported and imported whole.

A 12-byte header: ``fMAI``, ``00 00``, ``05`` (text in the ANSI code page, cp1252 here) or ``07``
(UTF-16LE, Windows Mail), ``00``, the account kind (``00`` news, ``01`` mail, ``02`` directory),
``00 00 00``.  Then records to the end of the file: ``id`` and ``length`` (uint32 little-endian) and
``length`` bytes of data.  The id is ``property << 16 | type``: ``0x03F0`` text ending in NUL,
``0x03E9`` number and ``0x03F5`` yes/no (4 bytes), ``0x03F6`` a saved password (scrambled; never
decoded here).  The properties are Outlook Express's registry values (``FIELDS``), so the
registry's account rules (``internet_accounts``) read and edit them.

Every record is kept as read, in order: an edit replaces one record's data, deletes the record, or
inserts a new one before the first record with a higher id (Outlook Express writes them in id order).
The text rendering (what the diff shows) is one line a record, passwords secret.
"""
from __future__ import annotations

import dataclasses
import json
import struct
from typing import NamedTuple
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Token
from migrate.errors import MigrateError
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import ValueEdits

MAGIC, HEADER_SIZE = b"fMAI", 12
ENCODINGS = {0x05: "cp1252", 0x07: "utf-16-le"}
TEXT, NUMBER, FLAG, PASSWORD = 0x03F0, 0x03E9, 0x03F5, 0x03F6
#: A record longer than this is refused: no account field comes near it.
MAX_RECORD = 1 << 16
#: Record id of each Outlook Express registry value an account file carries.
FIELDS = {
    "Account Name": 0x123503F0, "Connection Type": 0x123903E9,
    "IMAP Server": 0x129803F0, "IMAP User Name": 0x129903F0, "IMAP Password2": 0x129A03F6,
    "IMAP Use Sicily": 0x129C03F5, "IMAP Port": 0x129D03E9, "IMAP Secure Connection": 0x129E03F5,
    "IMAP Timeout": 0x129F03E9, "IMAP Root Folder": 0x12A003F0, "IMAP Prompt for Password": 0x12B003F5,
    "POP3 Server": 0x13C403F0, "POP3 User Name": 0x13C503F0, "POP3 Password2": 0x13C603F6,
    "POP3 Use Sicily": 0x13C803F5, "POP3 Port": 0x13C903E9, "POP3 Secure Connection": 0x13CA03E9,
    "POP3 Timeout": 0x13CB03E9, "Leave Mail On Server": 0x13CC03F5, "Remove When Deleted": 0x13CD03F5,
    "Remove When Expired": 0x13CE03F5, "Expire Days": 0x13CF03F5, "POP3 Skip Account": 0x13D003F5,
    "POP3 Prompt for Password": 0x13D203F5,
    "SMTP Server": 0x142803F0, "SMTP User Name": 0x142903F0, "SMTP Password2": 0x142A03F6,
    "SMTP Use Sicily": 0x142C03E9, "SMTP Port": 0x142D03E9, "SMTP Secure Connection": 0x142E03F5,
    "SMTP Timeout": 0x142F03E9, "SMTP Display Name": 0x143003F0, "SMTP Organization Name": 0x143103F0,
    "SMTP Email Address": 0x143203F0, "SMTP Reply To Email Address": 0x143303F0,
    "SMTP Split Messages": 0x143403F5, "SMTP Split Message Size": 0x143503E9,
    "SMTP Prompt for Password": 0x143803F5,
}
NAMES = {field: name for name, field in FIELDS.items()}
_KINDS = {0: "news account", 1: "mail account", 2: "directory account"}


class RecordError(MigrateError):
    """A broken account file, located by byte offset (a binary file has no lines)."""

    def __init__(self, path: str, offset: int, message: str) -> None:
        super().__init__(f"{path}: byte {offset}: {message}")


class Record(NamedTuple):
    id: int
    data: bytes

    def to_bytes(self) -> bytes:
        return struct.pack("<II", self.id, len(self.data)) + self.data


@dataclasses.dataclass(frozen=True)
class IafFile(FileDocument):
    """``to_bytes`` is the file; ``render`` a line of text a record (``header``: its 12 bytes)."""

    header: bytes = b""
    records: tuple[Record, ...] = ()

    @property
    def encoding(self) -> str:
        return ENCODINGS[self.header[6]]

    def to_bytes(self) -> bytes:
        return self.header + b"".join(record.to_bytes() for record in self.records)

    def with_records(self, records: list[Record]) -> IafFile:
        return iaf_file(self.path, self.header, records)


def iaf_file(path: str, header: bytes, records: list[Record]) -> IafFile:
    encoding = ENCODINGS[header[6]]
    words = f"{'UTF-16' if encoding != 'cp1252' else '8-bit'} text, {_KINDS.get(header[8], 'unknown kind')}"
    tokens = [Token("HEADER", f"Internet Account File {header.hex(' ')} ({words})\n")]
    for record in records:
        name = NAMES.get(record.id)
        tokens += [Token("NAME", f"{name} [{record.id:08x}] = " if name else f"[{record.id:08x}] = "),
                   Token("DATA", _shown(record, encoding), record.id & 0xFFFF == PASSWORD), Token("NL", "\n")]
    return IafFile(tuple(tokens), path, header, tuple(records))


def _shown(record: Record, encoding: str) -> str:
    """The data as text that tells every two byte strings apart: quoted text, a number, else ``hex:``."""
    kind = record.id & 0xFFFF
    if kind == TEXT:
        try:
            text = record.data.decode(encoding)
        except UnicodeDecodeError:
            text = ""
        if text.endswith("\0") and "\0" not in text[:-1]:
            return json.dumps(text[:-1], ensure_ascii=False)
    if kind in (NUMBER, FLAG) and len(record.data) == 4:
        return str(struct.unpack("<I", record.data)[0])
    return "hex:" + record.data.hex()


def parse_iaf(data: bytes, path: str) -> IafFile:
    if len(data) < HEADER_SIZE:
        raise RecordError(path, len(data), f"the file ends inside the {HEADER_SIZE}-byte header")
    if not data.startswith(MAGIC):
        raise RecordError(path, 0, "not an Internet Account File (it does not start with fMAI)")
    if data[6] not in ENCODINGS:
        raise RecordError(path, 6, f"unknown text encoding {data[6]:#04x} (0x05: 8-bit, 0x07: UTF-16)")
    encoding, records, offset = ENCODINGS[data[6]], [], HEADER_SIZE
    while offset < len(data):
        if offset + 8 > len(data):
            raise RecordError(path, offset, "the file ends inside a record's id and length")
        field, length = struct.unpack_from("<II", data, offset)
        if length > MAX_RECORD:
            raise RecordError(path, offset + 4, f"a record of {length} bytes: too large for an account field")
        if offset + 8 + length > len(data):
            raise RecordError(path, offset + 4, f"a record of {length} bytes runs past the end of the file")
        record = Record(field, data[offset + 8: offset + 8 + length])
        try:
            _value(record, encoding)
        except ValueError as error:
            raise RecordError(path, offset + 8, f"{NAMES[field]}: {error}") from None
        records.append(record)
        offset += 8 + length
    return iaf_file(path, data[:HEADER_SIZE], records)


def _value(record: Record, encoding: str) -> Optional[RegValue]:
    """What a record of a known field holds, as the registry holds it; ``ValueError`` when it cannot."""
    if record.id not in NAMES:
        return None
    kind = record.id & 0xFFFF
    if kind == TEXT:
        try:
            text = record.data.decode(encoding, "surrogateescape" if encoding == "cp1252" else "strict")
        except UnicodeDecodeError:
            raise ValueError("not valid UTF-16 text") from None
        return RegValue(REG_SZ, text[:-1] if text.endswith("\0") else text)  # as the registry holds it: no terminator
    if kind == PASSWORD:
        return RegValue(REG_BINARY, record.data)
    if len(record.data) != 4:
        raise ValueError(f"a number needs 4 bytes, not {len(record.data)}")
    return RegValue(REG_DWORD, struct.unpack("<I", record.data)[0])


def values(iaf: IafFile) -> dict[str, RegValue]:
    """The account's values by Outlook Express value name (a later record of a field wins)."""
    found = ((NAMES.get(record.id), _value(record, iaf.encoding)) for record in iaf.records)
    return {name: value for name, value in found if name is not None and value is not None}


def apply_values(iaf: IafFile, edits: ValueEdits) -> IafFile:
    """The file with the rules' value edits made (every record of a field, when it has several)."""
    records = list(iaf.records)
    for name, value in edits.items():
        field = FIELDS[next(known for known in FIELDS if known.lower() == name.lower())]
        if value is None:
            records = [record for record in records if record.id != field]
        elif any(record.id == field for record in records):
            records = [Record(field, _data(value, iaf.encoding)) if record.id == field else record for record in records]
        else:
            at = next((i for i, record in enumerate(records) if record.id > field), len(records))
            records.insert(at, Record(field, _data(value, iaf.encoding)))
    return iaf.with_records(records)


def _data(value: RegValue, encoding: str) -> bytes:
    if value.type == REG_DWORD and isinstance(value.data, int):
        return struct.pack("<I", value.data)
    if isinstance(value.data, str):
        return (value.data + "\0").encode(encoding, "surrogateescape")
    assert isinstance(value.data, bytes)
    return value.data

