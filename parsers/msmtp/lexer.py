"""The msmtp/mpop configuration grammar, line by line, as ``read_conffile`` in their ``conf.c`` reads it.

A line is read with ``fgets`` into a 501-byte buffer: a line of 500 bytes or
more (its ``\\n`` not counted) makes the program refuse the file.  The ``\\n``,
and one ``\\r`` just before it, end the line; any other ``\\r`` is text.
Blanks are space and tab only.  A line whose first non-blank is ``#`` is a
comment, as is a blank line; there are no comments after a command
(``host h # x`` is the host ``h # x``) and no continuation lines.  The command
is the first run of non-blanks; the argument is the rest of the line without
its surrounding blanks, and without one pair of double quotes when it both
starts and ends with one (no escapes: ``"a"b"`` is ``a"b``).

Tokens: ``WS`` (indent, the blanks between command and argument, trailing
blanks), ``COMMENT``, ``COMMAND``, ``VALUE`` (the argument as written, quotes
included) and ``NL``; each line's tokens end with its ``NL`` (none on a last
line without one), so a line is removed or commented out whole.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Token
from migrate.document import encode
from migrate.errors import ParseError

#: ``LINEBUFSIZE - 1``: a line of this many bytes before its ``\n`` is refused
LONGEST_REFUSED = 500
_LINE = re.compile(r"(?P<text>[^\n]*?)(?P<nl>\r?\n|$)")
_PARTS = re.compile(r"(?P<indent>[ \t]*)(?P<command>[^ \t]*)(?P<gap>[ \t]*)(?P<value>.*?)(?P<trail>[ \t]*)", re.DOTALL)


class Line(NamedTuple):
    """One line of the file, by its tokens."""

    number: int  #: 1-based
    first: int  #: index of its first token
    end: int  #: index after its last token (its ``NL`` included)
    command: Optional[int]  #: the ``COMMAND`` token; ``None`` for a comment or blank line
    value: Optional[int]  #: the ``VALUE`` token; ``None`` when the command has no argument
    newline: str  #: ``\n`` or ``\r\n``; empty for a last line without one


def unquoted(raw: str) -> str:
    """The argument the program sees in ``raw`` (already without surrounding blanks): ``trim_string``."""
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw


def tokenize(text: str, path: str, program: str) -> tuple[list[Token], list[Line]]:
    """Every character in one token, and the lines they make; ``ParseError`` for what the program refuses."""
    if text.startswith("\ufeff"):
        raise ParseError(path, 1, 1, f"byte order mark: {program} takes it for part of the first command")
    tokens: list[Token] = []
    lines: list[Line] = []
    for number, found in enumerate(_LINE.finditer(text), start=1):
        body, newline = found.group("text"), found.group("nl")
        if not body and not newline:
            break  # the empty match at the end of the text
        _check(body + newline[:-1], path, number, program)  # a CR before the LF counts
        lines.append(_line(body, newline, number, tokens))
    return tokens, lines


def _check(text: str, path: str, number: int, program: str) -> None:
    """``text`` is the line up to its LF."""
    if "\0" in text:
        raise ParseError(path, number, text.index("\0") + 1, f"NUL byte: {program} reads a line only up to it")
    if len(encode(text)) >= LONGEST_REFUSED:
        raise ParseError(path, number, 1, f"line longer than {LONGEST_REFUSED} characters: {program} refuses the file")


def _line(body: str, newline: str, number: int, tokens: list[Token]) -> Line:
    first = len(tokens)
    parts = _PARTS.fullmatch(body)
    assert parts is not None  # the pattern matches any text
    indent, command = parts.group("indent"), parts.group("command")
    if indent:
        tokens.append(Token("WS", indent))
    command_at = value_at = None
    if command.startswith("#"):
        tokens.append(Token("COMMENT", body[len(indent):]))
    elif command:
        command_at = len(tokens)
        tokens.append(Token("COMMAND", command))
        for kind, text in (("WS", parts.group("gap")), ("VALUE", parts.group("value")), ("WS", parts.group("trail"))):
            if text:
                value_at = len(tokens) if kind == "VALUE" else value_at
                tokens.append(Token(kind, text))
    if newline:
        tokens.append(Token("NL", newline))
    return Line(number, first, len(tokens), command_at, value_at, newline)
