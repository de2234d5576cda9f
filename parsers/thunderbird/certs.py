"""``cert_override.txt``: certificate exceptions the user accepted, one a line.

A line is ``host:port[:origin attributes]<TAB>OID.2.16.840.1.101.3.4.2.1<TAB>
fingerprint<TAB>...`` (older files go on with override bits ``MUT`` and the
certificate's database key), an IPv6 host in brackets; ``#`` lines are
comments.  Gecko keys an exception by host and port, and a mail server's
connection looks it up with the server's host and port, so an exception for
a host:port means Thunderbird takes that one certificate there, whoever
signed it.  Each line is one token, so taking exceptions out touches nothing
else.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_KEY = re.compile(r"(?:\[([^\]]+)\]|([^:\s\[]+)):(-?[0-9]+)(?::\S*)?\s")


class HostPort(NamedTuple):
    host: str  #: lower case, IPv6 without brackets
    port: int


@dataclasses.dataclass(frozen=True)
class CertOverrides(FileDocument):
    keys: tuple[Optional[HostPort], ...] = ()  #: per token (line), whom its exception is for

    def has(self, host: str, port: int) -> bool:
        return HostPort(host.lower(), port) in self._held

    @functools.cached_property
    def _held(self) -> frozenset[Optional[HostPort]]:
        return frozenset(self.keys)

    def without(self, wanted: set[HostPort]) -> CertOverrides:
        """The file with every exception for one of ``wanted`` taken out, line end and all."""
        gone = [n for n, key in enumerate(self.keys) if key in wanted]
        if not gone:
            return self
        tokens = self.apply(Edit(n, n + 1, "") for n in gone).tokens
        keys = tuple(key for key in self.keys if key not in wanted)
        return dataclasses.replace(self, tokens=tokens, keys=keys)


def parse_overrides(data: bytes, path: str) -> CertOverrides:
    text = decode(data)
    tokens, keys = [], []
    for line in _LINE.finditer(text):
        if not line.group():
            break
        tokens.append(Token("LINE", line.group()))
        keys.append(_key(line.group()))
    return CertOverrides(tuple(tokens), path, tuple(keys))


def _key(line: str) -> Optional[HostPort]:
    """Whom the line's exception is for; ``None`` for a comment or a line Gecko skips."""
    found = None if line.startswith("#") else _KEY.match(line)
    if found is None or "\t" not in line:
        return None
    port = int(found.group(3))
    return HostPort((found.group(1) or found.group(2)).lower(), 443 if port == -1 else port)
