"""GLib key files (``*.source``), line by line: ``[Group]``, ``Key=value``, ``#`` comments.

Values keep their bytes; what we write is escaped as ``g_key_file_set_string``
does (``\\n \\r \\\\`` always, ``\\s``/``\\t`` for a leading blank).  Edits go through
``parsers.inifile.IniEditor``.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from migrate.document import Token
from migrate.document import decode
from parsers.inifile import Entry
from parsers.inifile import IniFile

_LINE = re.compile(r"([^\n]*)(\n|$)")
_ENTRY = re.compile(r"([A-Za-z0-9-]+(?:\[[^\]]*\])?)([ \t]*=[ \t]*)(.*)")
_UNESCAPE = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


@dataclasses.dataclass(frozen=True)
class KeyFile(IniFile):
    """GKeyFile reads the last entry of a key."""

    def value(self, entry: Entry) -> str:
        return unescape(self.tokens[entry.value_index].text)

    def written(self, value: str, entry: Optional[Entry] = None) -> str:
        return escape(value)


def parse_keyfile(data: bytes, path: str) -> KeyFile:
    text = decode(data)
    tokens: list[Token] = []
    entries: list[Entry] = []
    groups: list[tuple[str, int]] = []
    group = ""
    for match in _LINE.finditer(text):
        body, end = match.group(1), match.group(2)
        if not body and not end:
            break
        stripped = body.strip()
        entry = _ENTRY.fullmatch(body) if stripped and not stripped.startswith(("#", "[")) else None
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1]
            groups.append((group, len(tokens)))
            tokens.append(Token("GROUP", body))
        elif entry is not None:
            line_start = len(tokens)
            tokens += [Token("KEY", entry.group(1)), Token("EQ", entry.group(2))]
            value_index = len(tokens)
            tokens.append(Token("VALUE", entry.group(3)))
            entries.append(Entry(group, entry.group(1), value_index, line_start, value_index + 1 + bool(end)))
        elif body:
            tokens.append(Token("OTHER", body))
        if end:
            tokens.append(Token("NL", end))
    return KeyFile(tuple(tokens), path, tuple(entries), tuple(groups))


def unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), "\\" + m.group(1)), raw)


def escape(value: str) -> str:
    body = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    lead = len(body) - len(body.lstrip(" \t"))
    return body[:lead].replace(" ", "\\s").replace("\t", "\\t") + body[lead:]

