"""The profile's line files that hold folder URIs.

``msgFilterRules.dat`` (one filter attribute a line, ``actionValue="<uri>"``;
the writer escapes only ``"``) and ``virtualFolders.dat`` (``uri=<uri>``,
``scope=<uri>|<uri>``).  Lines are kept as they are but for the URIs in them.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Edit
from migrate.document import Token
from migrate.document import decode

_FILTER_LINE = re.compile(r'([ \t]*)([A-Za-z]+)(=")((?:[^"\\\r\n]|\\[^\r\n])*)([^\r\n]*)(\r\n|\n|\r|$)')
_VIRTUAL_LINE = re.compile(r"([^=\r\n]*)(=)([^\r\n]*)(\r\n|\n|\r|$)")
_ANY_LINE = re.compile(r"([^\r\n]*)(\r\n|\n|\r|$)")
UriMove = Callable[[str], Optional[str]]


@dataclasses.dataclass(frozen=True)
class LineFile(FileDocument):
    kind: str = ""  #: ``filters`` or ``virtual``
    values: tuple[tuple[str, int], ...] = ()  #: (attribute, token index of its raw value)


def parse_lines(data: bytes, path: str, kind: str) -> LineFile:
    text, pos = decode(data), 0
    tokens: list[Token] = []
    values = []
    pattern, value_group = (_FILTER_LINE, 4) if kind == "filters" else (_VIRTUAL_LINE, 3)
    while pos < len(text):
        line = pattern.match(text, pos)
        if line is None or line.end() == pos:
            line, value_group_here = _ANY_LINE.match(text, pos), 0
        else:
            value_group_here = value_group
        for group in range(1, len(line.groups()) + 1):  # type: ignore[union-attr]
            piece = line.group(group)  # type: ignore[union-attr]
            if group == value_group_here:
                values.append((line.group(2 if kind == "filters" else 1).strip(), len(tokens)))  # type: ignore[union-attr]
                tokens.append(Token("VALUE", piece))
            elif piece:
                tokens.append(Token("TEXT", piece))
        pos = line.end()  # type: ignore[union-attr]
    return LineFile(tuple(tokens), path, kind, tuple(values))


def move_uris(document: LineFile, move: UriMove) -> LineFile:
    """The file with every folder URI ``move`` knows rewritten, the rest byte for byte."""
    edits = []
    for attribute, index in document.values:
        raw = document.tokens[index].text
        new = _moved(document.kind, attribute, raw, move)
        if new is not None and new != raw:
            edits.append(Edit(index, index + 1, new))
    return dataclasses.replace(document, tokens=document.apply(edits).tokens) if edits else document


def _moved(kind: str, attribute: str, raw: str, move: UriMove) -> Optional[str]:
    if kind == "filters" and attribute == "actionValue":
        value = re.sub(r"\\(.)", r"\1", raw)
        new = move(value)
        return new.replace('"', '\\"') if new is not None else None
    if kind == "virtual" and attribute in ("uri", "scope"):
        parts = raw.split("|")
        moved = [move(part) or part for part in parts]
        return "|".join(moved) if moved != parts else None
    return None
