"""Mulberry's S-expressions, read as its ``char_stream`` reads them, every character kept in a token.

Only a space separates items (a tab is part of an atom); an atom runs up to a
space, a quote, a parenthesis or one of ``% \\ { }``; a quoted string ends at
the first quote not escaped by ``\\``.  Mulberry stalls on an unquoted
``% \\ { }`` and loses its way in an unclosed list or string, so those are
refused.  What follows the list's closing parenthesis Mulberry never reads:
it is kept as one token.  Lists nest to any depth without recursion.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from typing import Optional
from typing import Union

from migrate.document import Token

_ATOM = re.compile(r'[^ "%()\\{}]+')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SPACES = re.compile(r" +")
#: C escapes Mulberry reads in a quoted string (``\0`` ends it); any other escaped character is dropped.
_UNESCAPED = {"a": "\a", "\\": "\\", "b": "\b", "r": "\r", '"': '"', "f": "\f", "t": "\t", "n": "\n", "'": "'",
              "v": "\v", "0": "\0"}
#: What Mulberry's writer escapes inside quotes (``cCEscapeChar``), with the letter it writes.
_ESCAPED = {"\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", '"': '"', "'": "'",
            "\\": "\\"}
#: Characters that make the writer quote a value (``cINETChar`` class 1).
_QUOTED = frozenset(' %()*{}')


class SList(NamedTuple):
    """A list: the tokens of its parentheses and its items (an atom is its token's index)."""

    open: int
    close: int
    items: tuple[Union[int, SList], ...]


class Malformed(ValueError):
    """An S-expression Mulberry cannot read, at ``offset`` in the text given."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def parse(text: str, tokens: list[Token]) -> Optional[SList]:
    """Append the tokens of ``text`` to ``tokens``; the list it holds, or ``None`` when it holds none.

    A value that does not start (after spaces) with ``(`` is no list to Mulberry: one token.
    """
    lead = _SPACES.match(text)
    at = lead.end() if lead else 0
    if not text.startswith("(", at):
        if text:
            tokens.append(Token("OTHER", text))
        return None
    if at:
        tokens.append(Token("WS", text[:at]))
    stack: list[tuple[int, int, list[Union[int, SList]]]] = []  # (token, offset, items) of each open list
    while True:
        char = text[at] if at < len(text) else ""
        if char == "(":
            stack.append((len(tokens), at, []))
            tokens.append(Token("OPEN", "("))
            at += 1
        elif char == ")":
            start, _, items = stack.pop()
            done = SList(start, len(tokens), tuple(items))
            tokens.append(Token("CLOSE", ")"))
            at += 1
            if not stack:
                if at < len(text):
                    tokens.append(Token("TAIL", text[at:]))  # Mulberry stops reading at the list's end
                return done
            stack[-1][2].append(done)
        elif char == " ":
            spaces = _SPACES.match(text, at)
            assert spaces is not None
            tokens.append(Token("WS", spaces.group()))
            at = spaces.end()
        elif char == '"':
            string = _STRING.match(text, at)
            if string is None:
                raise Malformed(at, "a quoted string is not closed")
            stack[-1][2].append(len(tokens))
            tokens.append(Token("STRING", string.group()))
            at = string.end()
        elif char == "":
            raise Malformed(stack[-1][1], f"this '(' is never closed ({len(stack)} lists open at the end of the line)")
        else:
            atom = _ATOM.match(text, at)
            if atom is None:
                raise Malformed(at, f"Mulberry cannot read {char!r} outside quotes")
            stack[-1][2].append(len(tokens))
            tokens.append(Token("ATOM", atom.group()))
            at = atom.end()


def value(text: str) -> str:
    """An atom's or a quoted string's value, as Mulberry reads it."""
    if not text.startswith('"'):
        return text
    found = re.sub(r"\\(.)", lambda m: _UNESCAPED.get(m.group(1), ""), text[1:-1], flags=re.DOTALL)
    return found.partition("\0")[0]


def quote(text: str) -> str:
    """``text`` as Mulberry's writer puts it: bare, or quoted (with C escapes) when it must be."""
    if not text:
        return '""'
    escape = any(_klass(char) == 2 for char in text)
    if not escape and not any(char in _QUOTED for char in text):
        return text
    if escape:
        text = "".join("\\" + _ESCAPED[char] if char in _ESCAPED else char for char in text)
    return f'"{text}"'


def _klass(char: str) -> int:
    """2 when the writer escapes the value (quote, backslash, control or 8-bit characters), else 0."""
    code = ord(char)
    return 2 if char in '"\\' or code < 32 or code >= 127 else 0


def item(found: SList, index: int) -> Union[int, SList, None]:
    """The item at ``index``, or ``None`` when the list is shorter."""
    return found.items[index] if index < len(found.items) else None


def past(found: Union[int, SList]) -> int:
    """The token index just past an item."""
    return found.close + 1 if isinstance(found, SList) else found + 1
