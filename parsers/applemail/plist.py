"""A property list of Mail's, XML or binary, as a document that is edited by ``values`` ops."""
from __future__ import annotations

from typing import Union

from migrate.errors import MigrateError
from parsers.applemail.binary_plist import MAGIC
from parsers.applemail.binary_plist import BinaryPlist
from parsers.applemail.binary_plist import parse_binary
from parsers.applemail.xml_plist import XmlPlist
from parsers.applemail.xml_reader import parse_xml

#: Larger files are refused: Mail's settings are kilobytes, a few megabytes at most.
MAX_SIZE = 64 << 20
PlistFile = Union[XmlPlist, BinaryPlist]


def parse_plist(data: bytes, path: str) -> PlistFile:
    """Binary when it starts as one, else XML; the format found is the format written back."""
    if len(data) > MAX_SIZE:
        raise MigrateError(f"{path}: {len(data)} bytes, too large for Mail's settings; left alone")
    if data.startswith(b"bplist"):
        if not data.startswith(MAGIC):
            raise MigrateError(f"{path}: binary property list format {data[6:8]!r}, which Mail 2-8 never wrote; left alone")
        return parse_binary(data, path)
    return parse_xml(data, path)
