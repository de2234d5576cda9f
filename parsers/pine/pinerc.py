"""A pinerc as Alpine reads it (``read_pinerc``), every byte kept.

``name=value`` lines start in column 1 (names case-insensitive); ``#`` in
column 1 is a comment; a list goes on over lines that start with a space or
tab, and a blank or comment line ends it; commas inside quotes do not split.
Only the variables that can name a server are split into tokens; every other
line stays one token, as Alpine itself keeps unknown lines.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode

#: Lists whose elements are ``[LABEL] VALUE`` pairs (split at the last unquoted blank).
PAIR_LISTS = frozenset({"incoming-folders", "folder-collections", "address-book", "global-address-book",
                        "stay-open-folders", "incoming-check-list"})
#: Lists whose elements are ``SRC DEST`` (split at the first blank).
ARCHIVE_LISTS = frozenset({"incoming-archive-folders"})
#: Lists of plain elements (quotes removed).
PLAIN_LISTS = frozenset({"smtp-server", "pruned-folders"})
SCALARS = frozenset({"inbox-path", "default-fcc", "default-saved-msg-folder", "postponed-folder",
                     "read-message-folder", "form-letter-folder", "trash-folder", "rsh-open-timeout",
                     "ssh-open-timeout"})
_VARIABLE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)([ \t]*=[ \t]*)")
_LINE = re.compile(r"[^\n]*(\n|$)")


class Element(NamedTuple):
    index: int  #: its token
    variable: str  #: lower case


@dataclasses.dataclass(frozen=True)
class Pinerc(FileDocument):
    elements: tuple[Element, ...] = ()  #: values that may name a server: scalars and list elements
    lines: tuple[tuple[str, int], ...] = ()  #: (variable, token index of its name) for every variable line


def parse_pinerc(data: bytes, path: str) -> Pinerc:
    text = decode(data)
    tokens: list[Token] = []
    elements: list[Element] = []
    lines: list[tuple[str, int]] = []
    current_list = ""
    for match in _LINE.finditer(text):
        line, end = match.group(), match.group(1)
        if not line:
            break
        body = line[: len(line) - len(end)]
        if end and body.endswith("\r"):  # CRLF lines: Alpine drops the CR
            body, end = body[:-1], "\r\n"
        variable = _VARIABLE.match(body) if not body.startswith("#") else None
        if variable is not None:
            name = variable.group(1).lower()
            lines.append((name, len(tokens)))
            tokens += [Token("NAME", variable.group(1)), Token("EQ", variable.group(2))]
            value = body[variable.end():]
            if name in SCALARS:
                elements.append(Element(len(tokens), name))
                tokens.append(Token("VALUE", value))
            elif name in PAIR_LISTS | ARCHIVE_LISTS | PLAIN_LISTS:
                _list_items(value, name, tokens, elements)
            elif value:
                tokens.append(Token("OTHER", value))
            current_list = name if name in PAIR_LISTS | ARCHIVE_LISTS | PLAIN_LISTS else ""
        elif current_list and body[:1] in (" ", "\t") and body.strip():
            indent = len(body) - len(body.lstrip(" \t"))
            tokens.append(Token("WS", body[:indent]))
            _list_items(body[indent:], current_list, tokens, elements)
        else:
            current_list = "" if not body[:1] in (" ", "\t") or not body.strip() else current_list
            if body:
                tokens.append(Token("COMMENT" if body.startswith("#") else "OTHER", body))
        if end:
            tokens.append(Token("NL", end))
    return Pinerc(tuple(tokens), path, tuple(elements), tuple(lines))


def _list_items(text: str, name: str, tokens: list[Token], elements: list[Element]) -> None:
    """Elements with the blanks and commas between them as their own tokens."""
    for piece in re.findall(r'(?:"(?:[^"\\]|\\.)*"?|[^,"])+|,', text):
        if piece == ",":
            tokens.append(Token("COMMA", piece))
            continue
        stripped = piece.strip(" \t")
        if not stripped:
            tokens.append(Token("WS", piece))
            continue
        lead, trail = piece[: len(piece) - len(piece.lstrip(" \t"))], piece[len(piece.rstrip(" \t")):]
        if lead:
            tokens.append(Token("WS", lead))
        elements.append(Element(len(tokens), name))
        tokens.append(Token("VALUE", stripped))
        if trail:
            tokens.append(Token("WS", trail))


class Value(NamedTuple):
    """The part of an element that is a folder or server name, and how to put a new one back."""

    before: str  #: a label and the blank after it, kept as written
    text: str  #: the name, unquoted
    quoted: bool
    after: str  #: what follows the name and is kept (e.g. junk after a quoted scalar)

    def with_name(self, name: str) -> str:
        return self.before + (_quote(name) if self.quoted else name) + self.after


def value_of(raw: str, variable: str) -> Value:
    if variable in SCALARS:
        if raw.startswith('"') and '"' in raw[1:]:
            end = raw.index('"', 1)
            return Value("", raw[1:end], True, raw[end + 1 :])  # Alpine ignores what follows the quote
        return Value("", raw, False, "")
    if variable in PAIR_LISTS or variable in ARCHIVE_LISTS:
        splits = [m for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[ \t]+', raw) if not m.group().startswith('"')]
        if splits:
            cut = splits[-1] if variable in PAIR_LISTS else splits[0]
            name = raw[cut.end():] if variable in PAIR_LISTS else raw[: cut.start()]
            before = raw[: cut.end()] if variable in PAIR_LISTS else ""
            after = "" if variable in PAIR_LISTS else raw[cut.start():]
        else:
            name, before, after = raw, "", ""
        quoted = len(name) >= 2 and name.startswith('"') and name.endswith('"')
        return Value(before, re.sub(r"\\(.)", r"\1", name[1:-1]) if quoted else name, quoted, after)
    quoted = len(raw) >= 2 and raw.startswith('"') and raw.endswith('"')
    return Value("", raw[1:-1] if quoted else raw, quoted, "")


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
