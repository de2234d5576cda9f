"""Binary property lists made object by object, for the broken and hostile ones no writer makes."""
from __future__ import annotations

import struct

#: The string ``MailAccounts`` as a binary object: every file of Mail's accounts holds it.
KEY = b"\x5cMailAccounts"


def bplist(objects: list[bytes], ref_size: int = 1) -> bytes:
    """A binary property list from its encoded objects (their references ``ref_size`` bytes wide), the first the root."""
    body, offsets = b"bplist00", []
    for encoded in objects:
        offsets.append(len(body))
        body += encoded
    table = b"".join(struct.pack(">I", offset) for offset in offsets)
    return body + table + struct.pack(">6xBBQQQ", 4, ref_size, len(objects), 0, len(body))
