"""An mbsync (isync) configuration as mbsync reads it (``get_arg``/``getcline`` of isync's ``config.c``), every byte kept.

A line is split at LF only (a CR is a blank, as C's ``isspace`` has it) into arguments
separated by blanks; an argument that starts with ``#`` starts a comment running to the end
of the line (a ``#`` inside an argument is literal); inside an argument ``"`` switches quoting
on and off (``a" "b`` is ``a b``) and ``\\`` takes the next character literally.  The first
argument is the keyword (any case).  ``IMAPAccount``, ``IMAPStore``, ``MaildirStore``,
``Channel`` and ``Group`` lines start a section, which runs to the next blank line (a comment
line does not end it); other lines outside sections are global options.

Tokens: ``WS``, ``ARG`` (the argument as written, quotes and all), ``COMMENT``, ``NL``.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError

SECTION_KEYWORDS = frozenset({"imapaccount", "imapstore", "maildirstore", "channel", "group"})
BLANKS = " \t\n\v\f\r"  #: C's isspace in the C locale
_LINE = re.compile(r"([^\n]*)(\n|$)")


class Arg(NamedTuple):
    index: int  #: its ARG token
    value: str  #: as mbsync reads it: quotes and escapes resolved


class Line(NamedTuple):
    number: int
    start: int  #: token index of its first token
    end: int  #: token index after its NL (or after its last token)
    args: tuple[Arg, ...]  #: the keyword first
    comment: bool  #: a comment ends it (a line that is only a comment has no args)

    @property
    def keyword(self) -> str:
        return self.args[0].value.lower() if self.args else ""

    @property
    def value(self) -> str:
        return self.args[1].value if len(self.args) > 1 else ""


class Section(NamedTuple):
    kind: str  #: the keyword that starts it, lower case; ``""`` for a global option line
    name: str
    lines: tuple[Line, ...]  #: its header, then its option lines (comment lines are not options)

    def get(self, keyword: str) -> Optional[Line]:
        """The last line setting ``keyword`` (mbsync takes the last)."""
        return next((line for line in reversed(self.lines[1:]) if line.keyword == keyword.lower()), None)

    def all(self, keyword: str) -> list[Line]:
        return [line for line in self.lines[1:] if line.keyword == keyword.lower()]

    @property
    def line(self) -> int:
        return self.lines[0].number


@dataclasses.dataclass(frozen=True)
class MbsyncConfig(FileDocument):
    lines: tuple[Line, ...] = ()
    sections: tuple[Section, ...] = ()

    def named(self, kind: str, name: str) -> Optional[Section]:
        """The section of that kind and name (mbsync takes the first definition of a store)."""
        return next((s for s in self.sections if s.kind == kind and s.name == name), None)


def parse_mbsync(data: bytes, path: str) -> MbsyncConfig:
    text = decode(data)
    tokens: list[Token] = []
    lines: list[Line] = []
    for number, match in enumerate(_LINE.finditer(text), 1):
        body, end = match.group(1), match.group(2)
        if not body and not end:
            break
        start = len(tokens)
        args, comment = _split(body, number, path, tokens)
        if end:
            tokens.append(Token("NL", end))
        lines.append(Line(number, start, len(tokens), tuple(args), comment))
    _check_values(lines, path)
    secret = {line.args[1].index for line in lines if line.keyword == "pass" and len(line.args) > 1}
    tokens = [token._replace(secret=True) if i in secret else token for i, token in enumerate(tokens)]
    return MbsyncConfig(tuple(tokens), path, tuple(lines), tuple(_sections(lines)))


def _split(body: str, number: int, path: str, tokens: list[Token]) -> tuple[list[Arg], bool]:
    """The line's tokens appended; its arguments, and whether a comment ends it."""
    if "\0" in body:
        raise ParseError(path, number, body.index("\0") + 1, "a NUL byte: not a text file")
    args: list[Arg] = []
    at = 0
    while at < len(body):
        blank_end = at
        while blank_end < len(body) and body[blank_end] in BLANKS:
            blank_end += 1
        if blank_end > at:
            tokens.append(Token("WS", body[at:blank_end]))
            at = blank_end
            continue
        if body[at] == "#":
            tokens.append(Token("COMMENT", body[at:]))
            return args, True
        end, value = _arg(body, at, number, path)
        args.append(Arg(len(tokens), value))
        tokens.append(Token("ARG", body[at:end]))
        at = end
    return args, False


def _arg(body: str, at: int, number: int, path: str) -> tuple[int, str]:
    """Where the argument starting at ``at`` ends, and its value (``get_arg``)."""
    value: list[str] = []
    escaped = quoted = False
    position = at
    while position < len(body):
        char = body[position]
        if escaped and " " <= char < "\x80":
            escaped = False
            value.append(char)
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in BLANKS:
            break
        else:  # a byte above 127 is a negative char in C: after a backslash it is kept and the escape stays open
            value.append(char)
        position += 1
    if escaped:
        raise ParseError(path, number, at + 1, "a backslash at the end of an argument (unterminated escape)")
    if quoted:
        raise ParseError(path, number, at + 1, "an argument with no closing quote")
    return position, "".join(value)


def _check_values(lines: list[Line], path: str) -> None:
    """A keyword with no value is an error to mbsync ("parameter missing"), which then refuses the file."""
    for line in lines:
        if len(line.args) == 1:
            raise ParseError(path, line.number, 1, f"{line.args[0].value} has no value")


def _sections(lines: list[Line]) -> list[Section]:
    sections: list[Section] = []
    current: list[Line] = []
    for line in lines:
        if not line.args:
            if not line.comment and current:  # a blank line ends a section; a comment line does not
                sections.append(Section(current[0].keyword, current[0].value, tuple(current)))
                current = []
            continue
        if current:
            current.append(line)
        elif line.keyword in SECTION_KEYWORDS:
            current = [line]
        else:
            sections.append(Section("", line.keyword, (line,)))
    if current:
        sections.append(Section(current[0].keyword, current[0].value, tuple(current)))
    return sections


def needs_quotes(value: str) -> bool:
    return not value or value.startswith("#") or any(char in BLANKS or char in '"\\' for char in value)


def written(value: str, quoted: bool = False) -> str:
    """``value`` as an argument: in quotes (with ``\\`` escapes) when asked or when it needs them."""
    if not quoted and not needs_quotes(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
