"""Registry exports (``.reg``) as regedit reads and writes them, every byte kept.

``REGEDIT4`` files are in the ANSI code page (cp1252 here); ``Windows Registry
Editor Version 5.00`` files are UTF-16LE with a BOM.  Lines end CRLF (LF is
taken too).  A ``[KEY]`` line starts a key (``[-KEY]`` deletes it); under it,
``"name"=data`` or ``@=data`` lines, data being ``"text"`` (``\\`` and ``"``
escaped), ``dword:0000006e``, ``hex:aa,bb`` / ``hex(N):aa,bb`` (wrapped over
lines ending ``,\\``, the next indented), or ``-`` (delete the value);
``;`` starts a comment line.

Tokens: each value line is ``NAME``, ``EQ`` (with any blanks), ``DATA`` (up
to the end of its last continuation line) and ``NL``, so an edit replaces a
value's data and nothing else; the data of a saved password is secret.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterable
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import EditedTokens
from migrate.document import EncodedDocument
from migrate.document import Token
from migrate.errors import ParseError
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import is_password

HEADER_4, HEADER_5 = "REGEDIT4", "Windows Registry Editor Version 5.00"
BOM = "\ufeff"
#: Data longer than this (in characters of the file) is refused: no account value comes near it.
MAX_DATA = 1 << 22
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
_NAME = re.compile(r'"((?:[^"\\]|\\.)*)"|@')
_EQ = re.compile(r"[ \t]*=[ \t]*")
_HEX_HEAD = re.compile(r"hex(?:\(([0-9a-fA-F]{1,8})\))?:")
_HEX_PIECE = re.compile(r"[0-9a-fA-F]{2}|,|\\(?:\r\n|\n|\r)[ \t]*|[ \t]+")
_CONTINUATION = re.compile(r"\\(?:\r\n|\n|\r)[ \t]*")
_HEX_BYTES = re.compile(r"(?:[0-9a-fA-F]{2}(?:,[0-9a-fA-F]{2})*,?)?")
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "0": "\0"}
#: regedit wraps hex data before a line reaches this many characters; continuation lines start with two blanks.
HEX_WIDTH = 77


class ValueLine(NamedTuple):
    name: str  #: ``""`` for ``@``
    value: Optional[RegValue]  #: ``None``: the line deletes the value (``=-``)
    data: int  #: index of its DATA token
    line: int


class Section(NamedTuple):
    path: str
    deleted: bool  #: ``[-KEY]``
    line: int
    values: tuple[ValueLine, ...]
    end: int  #: token index after its last value line: where new values go


@dataclasses.dataclass(frozen=True)
class RegFile(EncodedDocument):
    sections: tuple[Section, ...] = ()

    def apply(self, edits: Iterable[Edit]) -> EncodedDocument:
        """As ``Document.apply``, but a value's data replaced by ``-`` (deleted) is no secret: the diff shows it go."""
        done = super().apply(edits).tokens
        assert isinstance(done, EditedTokens)
        tokens = (t._replace(secret=False) if t.kind == "EDIT" and t.text == "-" else t for t in done)
        return EncodedDocument(EditedTokens(tokens, done.base, done.edits), self.path, self.encoding)  # the edits kept, for the diff


def parse_reg(data: bytes, path: str) -> RegFile:
    text, encoding = _decode(data, path)
    return _Reader(text, path, encoding).read()


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if data.startswith(b"\xff\xfe"):
        if len(data) % 2:
            raise _located(path, data[:-1].decode("utf-16-le", "replace"), "truncated UTF-16 (an odd number of bytes)")
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError as error:
            before = data[: error.start - error.start % 2].decode("utf-16-le", "replace")
            raise _located(path, before, "not valid UTF-16 here") from None
    text = data.decode("cp1252", "surrogateescape")
    if not text.startswith(HEADER_4):
        what = "a version 5 export without its UTF-16 byte order mark" if text.startswith(HEADER_5) else (
            "not a registry export (it starts with neither REGEDIT4 nor a UTF-16 Windows Registry Editor header)")
        raise ParseError(path, 1, 1, what)
    return text, "cp1252"


def _located(path: str, before: str, message: str) -> ParseError:
    lines = re.split(r"\r\n|\n|\r", before)
    return ParseError(path, len(lines), len(lines[-1]) + 1, message)


class _Reader:
    def __init__(self, text: str, path: str, encoding: str) -> None:
        self.path, self.encoding = path, encoding
        self.lines = [m.group() for m in _LINE.finditer(text)][:-1] or [""]  # the last match is the empty one at the end
        self.tokens: list[Token] = []
        self.sections: list[Section] = []
        self.values: list[ValueLine] = []
        self.anchor = 0  #: token index after the last key or value line read

    def read(self) -> RegFile:
        body, newline = _split_newline(self.lines[0])
        if body.startswith(BOM):
            self.tokens.append(Token("BOM", BOM))
            body = body[1:]
        expected = HEADER_5 if self.encoding != "cp1252" else HEADER_4
        if body.rstrip(" \t") != expected:
            raise ParseError(self.path, 1, 1, f"the first line of this export must be {expected!r}")
        self._line_tokens([Token("HEADER", body)], newline)
        number = 1
        while number < len(self.lines):
            number = self._one(number)
        self._close()
        return RegFile(tuple(self.tokens), self.path, self.encoding, tuple(self.sections))

    def _line_tokens(self, tokens: list[Token], newline: str) -> None:
        self.tokens += [t for t in tokens if t.text]
        if newline:
            self.tokens.append(Token("NL", newline))

    def _one(self, number: int) -> int:
        body, newline = _split_newline(self.lines[number])
        stripped = body.strip(" \t")
        if not stripped or stripped.startswith(";"):
            self._line_tokens([Token("COMMENT" if stripped else "WS", body)], newline)
            return number + 1
        if stripped.startswith("["):
            self._key(body, newline, number)
            return number + 1
        return self._value(number)

    def _key(self, body: str, newline: str, number: int) -> None:
        self._close()
        stripped = body.strip(" \t")
        if not stripped.endswith("]") or len(stripped) < 3 or stripped == "[-]":
            raise ParseError(self.path, number + 1, len(body) + 1, "a key line must end with ']'")
        deleted = stripped.startswith("[-")
        self.sections.append(Section(stripped[2 if deleted else 1 : -1], deleted, number + 1, (), -1))
        self._line_tokens([Token("KEY", body)], newline)
        self.anchor = len(self.tokens)

    def _close(self) -> None:
        if self.sections and self.sections[-1].end < 0:
            self.sections[-1] = self.sections[-1]._replace(values=tuple(self.values), end=self.anchor)
        self.values = []

    def _value(self, number: int) -> int:
        body, newline = _split_newline(self.lines[number])
        lead = len(body) - len(body.lstrip(" \t"))
        name_match = _NAME.match(body, lead)
        if name_match is None:
            raise ParseError(self.path, number + 1, lead + 1, "expected a key in [brackets], a \"value\"=, @= or a ; comment")
        if not self.sections:
            raise ParseError(self.path, number + 1, lead + 1, "a value before the first [key]")
        if self.sections[-1].deleted:
            raise ParseError(self.path, number + 1, lead + 1, "a value under a deleted [-key]")
        eq = _EQ.match(body, name_match.end())
        if eq is None or "=" not in eq.group():
            raise ParseError(self.path, number + 1, name_match.end() + 1, "expected '=' after the value name")
        name = "" if name_match.group() == "@" else _unescape(name_match.group(1))
        data_text, last, first = body[eq.end():], number, body
        while data_text.rstrip(" \t").endswith("\\") and _HEX_HEAD.match(data_text):
            last += 1
            if last >= len(self.lines) or not newline:
                raise ParseError(self.path, last, len(body) + 1, "the file ends inside a wrapped hex value")
            data_text += newline
            body, newline = _split_newline(self.lines[last])
            data_text += body
            if len(data_text) > MAX_DATA:
                raise ParseError(self.path, number + 1, eq.end() + 1, "value data too large for an account value")
        value = self._data(data_text, number + 1, eq.end() + 1)
        self.values.append(ValueLine(name, value, len(self.tokens) + 2 + (1 if lead else 0), number + 1))
        self._line_tokens([Token("WS", first[:lead]), Token("NAME", name_match.group()), Token("EQ", eq.group()),
                           Token("DATA", data_text, is_password(name))], newline)
        self.anchor = len(self.tokens)
        return last + 1

    def _data(self, text: str, line: int, col: int) -> Optional[RegValue]:
        stripped = text.rstrip(" \t")
        if len(stripped) > MAX_DATA:
            raise ParseError(self.path, line, col, "value data too large for an account value")
        if stripped == "-":
            return None
        if stripped.startswith('"'):
            return RegValue(REG_SZ, self._string(stripped, line, col))
        if stripped.lower().startswith("dword:"):
            digits = stripped[6:]
            if not re.fullmatch(r"[0-9a-fA-F]{1,8}", digits):
                raise ParseError(self.path, line, col + 6, "dword: needs 1 to 8 hex digits")
            return RegValue(REG_DWORD, int(digits, 16))
        head = _HEX_HEAD.match(stripped)
        if head is None:
            raise ParseError(self.path, line, col, 'unknown value data (expected "text", dword:, hex:, hex(N): or -)')
        kind = int(head.group(1), 16) if head.group(1) else REG_BINARY
        return RegValue(kind, self._hex(stripped, head.end(), line, col))

    def _string(self, text: str, line: int, col: int) -> str:
        match = re.match(r'"((?:[^"\\]|\\.)*)"', text)
        if match is None or match.end() != len(text):
            if match is None:
                raise ParseError(self.path, line, col, "unterminated string")
            raise ParseError(self.path, line, col + match.end(), "text after the closing quote")
        return _unescape(match.group(1))

    def _hex(self, text: str, start: int, line: int, col: int) -> bytes:
        joined = _CONTINUATION.sub("", text[start:])
        if _HEX_BYTES.fullmatch(joined):  # the usual case, at C speed; else walk it to say where it goes wrong
            return bytes.fromhex(joined.replace(",", ""))
        digits, position, expect_byte = [], start, True
        while position < len(text):
            piece = _HEX_PIECE.match(text, position)
            token = piece.group() if piece else ""
            is_byte, is_comma = len(token) == 2 and token[0] != "\\" and not token.isspace(), token == ","
            if piece is None or (is_byte and not expect_byte) or (is_comma and expect_byte):
                rows = re.split(r"\r\n|\n|\r", text[:position])
                at_col = col + position if len(rows) == 1 else len(rows[-1]) + 1
                raise ParseError(self.path, line + len(rows) - 1, at_col, "bad hex data (expected two hex digits and commas)")
            if is_byte:
                digits.append(token)
            if is_byte or is_comma:
                expect_byte = is_comma
            position = piece.end()
        return bytes.fromhex("".join(digits))


def _split_newline(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_data(value: Optional[RegValue], name_width: int, newline: str) -> str:
    """The data of a value line as regedit writes it; ``name_width`` is the length of ``"name"=``."""
    if value is None:
        return "-"
    if value.type == REG_SZ and isinstance(value.data, str):
        return quote(value.data)
    if value.type == REG_DWORD and isinstance(value.data, int):
        return f"dword:{value.data:08x}"
    head = "hex:" if value.type == REG_BINARY else f"hex({value.type:x}):"
    assert isinstance(value.data, bytes)
    return head + _wrapped_hex(value.data, name_width + len(head), newline)


def _wrapped_hex(data: bytes, column: int, newline: str) -> str:
    """``aa,bb,…`` with ``,\\`` and a two-blank indent wherever the line would reach ``HEX_WIDTH``."""
    out = []
    for position, byte in enumerate(data):
        out.append(f"{byte:02x}")
        if position == len(data) - 1:
            break
        out.append(",")
        column += 3
        if column >= HEX_WIDTH:
            out.append("\\" + newline + "  ")
            column = 2
    return "".join(out)
