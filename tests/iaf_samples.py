"""Internet Account Files built from records, for the tests and the samples (``python -m tests.iaf_samples`` writes those).

Written from the format (``parsers.windows.iaf``), not with our reader's code: a header, then
``id``, ``length`` and data per record; passwords are made-up scrambled bytes.
"""
from __future__ import annotations

import struct
from pathlib import Path

from tests.conftest import SAMPLES

EIGHT_BIT, UTF16 = 0x05, 0x07


def header(encoding: int = EIGHT_BIT, kind: int = 1) -> bytes:
    return b"fMAI\x00\x00" + bytes([encoding, 0, kind, 0, 0, 0])


def record(field: int, data: bytes) -> bytes:
    return struct.pack("<II", field, len(data)) + data


def text(field: int, value: str, encoding: int = EIGHT_BIT) -> bytes:
    return record(field, (value + "\0").encode("cp1252" if encoding == EIGHT_BIT else "utf-16-le"))


def number(field: int, value: int) -> bytes:
    return record(field, struct.pack("<I", value))


def password(field: int, seed: int) -> bytes:
    """A saved password's record: ``01 01``, a length, then bytes that look scrambled."""
    body = bytes((seed * 37 + i * 101) % 256 for i in range(12))
    return record(field, b"\x01\x01" + struct.pack("<I", len(body)) + body)


def pop_account() -> bytes:
    """Outlook Express 6, 8-bit: a POP account of the old service, its password saved, leaving mail on the server."""
    return header() + b"".join([
        text(0x123503F0, "Lboro mail"), number(0x123903E9, 3), text(0x123D03F0, "00000002"),  # account id: not read
        text(0x13C403F0, "pop.lboro.ac.uk"), text(0x13C503F0, "ccano"), password(0x13C603F6, 7),
        number(0x13C803F5, 0), number(0x13C903E9, 110), number(0x13CA03E9, 0), number(0x13CB03E9, 60),
        number(0x13CC03F5, 1), number(0x13CD03F5, 0), number(0x13D003F5, 0), number(0x13D203F5, 0),
        text(0x142803F0, "smtp.lboro.ac.uk"), number(0x142C03E9, 0), number(0x142D03E9, 25), number(0x142E03F5, 0),
        number(0x142F03E9, 60), text(0x143003F0, "Carlos Caño"), text(0x143203F0, "C.Cano@lboro.ac.uk"),
        record(0x7A110001, b"\x00\xffkept as it is\x00"),  # a record this tool does not know
    ])


def imap_account() -> bytes:
    """Windows Mail, UTF-16: an IMAP account of the old service under INBOX, SMTP logging in as the incoming server."""
    enc = UTF16
    return header(UTF16) + b"".join([
        text(0x123503F0, "Staff IMAP", enc), number(0x123903E9, 3),
        text(0x129803F0, "imap.lboro.ac.uk", enc), text(0x129903F0, "ccano", enc), password(0x129A03F6, 11),
        number(0x129C03F5, 1), number(0x129D03E9, 143), number(0x129E03F5, 0), text(0x12A003F0, "INBOX", enc),
        record(0x12A403F5, b"\x01\x00\x00\x00"),  # IMAP polling: known to Outlook Express, not read here
        text(0x142803F0, "smtp.lboro.ac.uk", enc), number(0x142C03E9, 2), number(0x142D03E9, 587),
        number(0x142E03F5, 1), text(0x143003F0, "Carlos Caño — Library", enc), text(0x143203F0, "C.Cano@lboro.ac.uk", enc),
    ])


SAMPLE_FILES = {"outlook-express-pop.iaf": pop_account, "windows-mail-imap.iaf": imap_account}

if __name__ == "__main__":
    for name, build in SAMPLE_FILES.items():
        (SAMPLES / "windows" / name).write_bytes(build())
        print(Path(SAMPLES / "windows" / name))
