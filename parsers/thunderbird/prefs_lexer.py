"""Tokens of a Mozilla ``prefs.js``/``user.js``, following Gecko's own pref parser.

Whitespace is space, TAB, VT, FF and line ends (LF, CR, CRLF, each one line).
Comments are ``#``/``//`` to the end of the line and non-nesting ``/* */``.
Strings take either quote and exactly the escapes ``\\" \\' \\\\ \\n \\r \\xHH
\\uHHHH`` (no NUL, surrogates in pairs); raw newlines are part of the value.
A NUL byte ends the file for Gecko: the rest is kept as one ``IGNORED`` token.
"""
from __future__ import annotations

import re
from typing import Iterator
from typing import NamedTuple

from migrate.document import Token
from migrate.document import decode
from migrate.document import encode

_DIGITS = re.compile(r"[0-9]+")
_PUNCTUATION = {"(": "LPAREN", ")": "RPAREN", ",": "COMMA", ";": "SEMI", "+": "PLUS", "-": "MINUS"}
_SIMPLE_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "r": "\r"}


class PrefsSyntaxError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class Lexeme(NamedTuple):
    token: Token  #: kinds: ``WS COMMENT BOM IGNORED KEYWORD STRING INT`` and punctuation names
    offset: int
    value: object = None  #: the decoded string or the integer


#: The common tokens in one pass; strings, block comments and errors are handled one by one.
_SIMPLE = re.compile(r"(?P<WS>[ \t\v\f\r\n]+)|(?P<COMMENT>(?:#|//)[^\r\n]*)|(?P<PUNCT>[(),;+-])"
                     r"|(?P<KEYWORD>[A-Za-z_]+)|(?P<INT>[0-9]+)(?![0-9A-Za-z_])")


def tokenize(text: str) -> Iterator[Lexeme]:
    pos = 0
    if text.startswith("\ufeff"):
        yield Lexeme(Token("BOM", "\ufeff"), 0)
        pos = 1
    simple = _SIMPLE.match
    while pos < len(text):
        match = simple(text, pos)
        if match is not None:
            kind, piece = match.lastgroup, match.group()
            if kind == "PUNCT":
                yield Lexeme(Token(_PUNCTUATION[piece], piece), pos)
            elif kind == "INT":
                yield Lexeme(Token("INT", piece), pos, int(piece))
            else:
                yield Lexeme(Token(kind, piece), pos)  # type: ignore[arg-type]
            pos = match.end()
            continue
        char = text[pos]
        if char == "\0":
            yield Lexeme(Token("IGNORED", text[pos:]), pos)
            return
        if text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            if end == -1:
                raise PrefsSyntaxError(pos, "unterminated /* comment")
            yield Lexeme(Token("COMMENT", text[pos : end + 2]), pos)
            pos = end + 2
        elif char in "\"'":
            end, value = string_literal(text, pos)
            yield Lexeme(Token("STRING", text[pos:end]), pos, value)
            pos = end
        elif char.isdigit() and char.isascii():  # digits run into letters: 100foo
            raise PrefsSyntaxError(_DIGITS.match(text, pos).end(), "unexpected character in integer literal")  # type: ignore[union-attr]
        else:
            raise PrefsSyntaxError(pos, "unexpected character" if char != "/" else "lone '/' is not a comment")


def string_literal(text: str, start: int) -> tuple[int, str]:
    """The end offset of the string literal at ``start`` and its value."""
    quote, pos, out = text[start], start + 1, bytearray()
    end, backslash = text.find(quote, pos), text.find("\\", pos)
    if end != -1 and not pos <= backslash < end:  # no escapes: the value is the text itself
        return end + 1, text[pos:end]
    while pos < len(text) and text[pos] != quote:
        if text[pos] != "\\":
            out += encode(text[pos])
            pos += 1
            continue
        escape = text[pos + 1 : pos + 2]
        if escape in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[escape].encode()
            pos += 2
        elif escape == "x" and _hex(text, pos + 2, 2) not in (None, 0):
            out.append(_hex(text, pos + 2, 2))  # type: ignore[arg-type]
            pos += 4
        elif escape == "u":
            pos = _unicode(text, pos, out)
        else:
            raise PrefsSyntaxError(pos, "unexpected escape character" if escape != "x" else "bad \\x escape")
    if pos >= len(text):
        raise PrefsSyntaxError(start, "unterminated string literal")
    return pos + 1, decode(bytes(out))


def _unicode(text: str, pos: int, out: bytearray) -> int:
    unit = _hex(text, pos + 2, 4)
    if not unit:
        raise PrefsSyntaxError(pos, "bad \\u escape")
    pos += 6
    if 0xDC00 <= unit <= 0xDFFF:
        raise PrefsSyntaxError(pos - 6, "expected high surrogate before low surrogate")
    if 0xD800 <= unit <= 0xDBFF:
        low = _hex(text, pos + 2, 4) if text.startswith("\\u", pos) else None
        if low is None:
            raise PrefsSyntaxError(pos, "expected low surrogate after high surrogate")
        if not 0xDC00 <= low <= 0xDFFF:
            raise PrefsSyntaxError(pos, "invalid low surrogate after high surrogate")
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        pos += 6
    out += chr(unit).encode("utf-8")
    return pos


def _hex(text: str, start: int, count: int) -> int | None:
    digits = text[start : start + count]
    if len(digits) != count or not all(c in "0123456789abcdefABCDEF" for c in digits):
        return None
    return int(digits, 16)


def escape(value: str, quote: str = '"') -> str:
    """A string literal written the way Thunderbird writes one (in ``quote``, double by default)."""
    body = value.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r")
    return f"{quote}{body}{quote}"
