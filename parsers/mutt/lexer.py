"""muttrc lines as mutt reads them (``mutt_extract_token``), every byte kept in a token.

A backslash at the end of a line joins it to the next one, before anything
else, comments included.  ``;`` separates commands; ``#`` at a token boundary
starts a comment, and an unquoted ``#`` also ends a token.  Quotes toggle
inside a word as in the shell; ``'...'`` is literal; a backslash escapes
(``\\n \\r \\t \\f \\e \\cX \\ooo``, any other character stands for itself).
``$VAR`` and backticks are expanded by mutt when it reads the line: such a
word has no value here and is never rewritten.

``spell`` maps each character of a word's value back to the source text it
came from, so that a rewrite replaces only the characters that change and
keeps the rest as written: continued lines, escapes and quotes included.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Token

_JOIN = re.compile(r"\\\r?\n")
_NAME = re.compile(r"\$[A-Za-z_0-9]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "e": "\x1b"}
SET_COMMANDS = frozenset({"set", "unset", "reset", "toggle"})


class Span(NamedTuple):
    """Where one character of a word's value is written."""

    start: int
    end: int
    quote: str  #: the quote it stands in: ``"'"``, ``'"'`` or ``""``


class Word(NamedTuple):
    index: int  #: its token
    value: Optional[str]  #: ``None`` when mutt would expand ``$VAR`` or a backtick command in it
    quote: str  #: the first quote it uses, ``""`` when bare


class Assignment(NamedTuple):
    target: Word  #: the word naming the variable, prefix and all
    prefix: str  #: ``""``, ``"no"``, ``"inv"``, ``"&"`` or ``"?"``
    name: str
    operator: str  #: ``""``, ``"="``, ``"+="`` or ``"-="``
    value: Optional[Word]
    first: int  #: token span of the whole assignment
    last: int


class Command(NamedTuple):
    name: str
    args: tuple[Word, ...]
    assignments: tuple[Assignment, ...]  #: for ``set``/``unset``/``reset``/``toggle``
    first: int
    last: int


def tokenize(text: str) -> tuple[list[Token], list[Command]]:
    return _Scanner(text).run()


def spell(text: str) -> tuple[Optional[str], list[Span]]:
    """The value of the word written ``text``, and where each of its characters is written."""
    scanner = _Scanner(text)
    scanner.spans = []
    word = scanner.word(equal=False)
    return word.value, scanner.spans


def expand(text: str, variables: dict[str, str]) -> Optional[str]:
    """The value of the word written ``text`` with ``$NAME``/``${NAME}`` taken from ``variables``;
    ``None`` when it uses any other variable or a backtick command."""
    scanner = _Scanner(text)
    scanner.variables = variables
    return scanner.word(equal=False).value


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0
        self.tokens: list[Token] = []
        self.commands: list[Command] = []
        self.spans: Optional[list[Span]] = None  #: recorded by ``spell`` only
        self.variables: dict[str, str] = {}

    def emit(self, kind: str, start: int) -> int:
        self.tokens.append(Token(kind, self.text[start : self.pos]))
        return len(self.tokens) - 1

    def join_at(self, pos: int) -> int:
        match = _JOIN.match(self.text, pos)
        return match.end() - pos if match else 0

    def at_line_end(self) -> bool:
        return self.pos >= len(self.text) or self.text.startswith(("\n", "\r\n"), self.pos)

    def blank(self) -> bool:
        """Spaces, tabs, a lone CR and line joins, as one token."""
        start = self.pos
        while self.pos < len(self.text):
            join = self.join_at(self.pos)
            if join:
                self.pos += join
            elif self.text[self.pos] in " \t" or (self.text[self.pos] == "\r" and not self.text.startswith("\r\n", self.pos)):
                self.pos += 1
            else:
                break
        if self.pos > start:
            self.emit("WS", start)
            return True
        return False

    def run(self) -> tuple[list[Token], list[Command]]:
        while self.pos < len(self.text):
            if self.blank():
                continue
            start = self.pos
            if self.text.startswith("\r\n", self.pos) or self.text[self.pos] == "\n":
                self.pos += 2 if self.text[self.pos] == "\r" else 1
                self.emit("NL", start)
            elif self.text[self.pos] == ";":
                self.pos += 1
                self.emit("SEMI", start)
            elif self.text[self.pos] == "#":
                self.comment()
            else:
                self.command()
        return self.tokens, self.commands

    def comment(self) -> None:
        start = self.pos
        while not self.at_line_end():
            self.pos += self.join_at(self.pos) or 1
        self.emit("COMMENT", start)

    def command(self) -> None:
        name = self.word(equal=False)
        first = name.index
        args: list[Word] = []
        assignments: list[Assignment] = []
        is_set = self.tokens[name.index].text in SET_COMMANDS
        while True:
            self.blank()
            if self.at_line_end() or self.text[self.pos] in ";#":
                break
            if is_set:
                assignments.append(self.assignment())
            else:
                args.append(self.word(equal=False))
        last = max([first, *(w.index for w in args), *(a.last for a in assignments)])
        self.commands.append(Command(name.value or "", tuple(args), tuple(assignments), first, last))

    def assignment(self) -> Assignment:
        target = self.word(equal=True)
        raw = target.value or ""
        prefix = next((p for p in ("no", "inv", "&", "?") if raw.startswith(p) and len(raw) > len(p)), "")
        name = raw[len(prefix):]
        if self.text.startswith("=", self.pos) or (self.blank() and self.text.startswith("=", self.pos)):
            self.pos += 1
            self.emit("EQ", self.pos - 1)
            self.blank()
            operator = "=" if name[-1:] not in "+-" or not name else name[-1] + "="
            name = name if operator == "=" else name[:-1]
            value = self.word(equal=False)
            return Assignment(target, prefix, name, operator, value, target.index, value.index)
        return Assignment(target, prefix, name, "", None, target.index, target.index)

    def word(self, equal: bool) -> Word:
        start, out, quote, first_quote, dynamic = self.pos, [], "", "", False
        text, spans = self.text, self.spans
        while self.pos < len(text):
            join = self.join_at(self.pos)
            if join:
                self.pos += join
                continue
            char, at = text[self.pos], self.pos
            if char == "\n" or (char == "\r" and text.startswith("\r\n", self.pos)):
                break  # an unterminated quote runs to the end of the line
            if not quote and (char in " \t\r;#" or (equal and char == "=")):
                break
            if quote == "'":
                quote = "" if char == "'" else quote
                if char != "'":
                    out.append(char)
                self.pos += 1
            elif char in "\"'" and not quote:
                first_quote, quote = first_quote or char, char
                self.pos += 1
                continue
            elif char == '"' and quote == '"':
                quote = ""
                self.pos += 1
                continue
            elif char == "\\":
                out.extend(self.escape())  # nothing for a backslash that ends the text
            elif char == "`" or (char == "$" and re.match(r"\{|[A-Za-z_]", text[self.pos + 1 : self.pos + 2])):
                known = self.variable(char)
                if known is None:
                    dynamic = True
                else:
                    out.append(known)
                continue
            else:
                out.append(char)
                self.pos += 1
            if spans is not None and len(spans) < len(out):
                spans.append(Span(at, self.pos, quote))
        index = self.emit("WORD", start)
        return Word(index, None if dynamic else "".join(out), first_quote)

    def escape(self) -> str:
        text, pos = self.text, self.pos + 1
        following = text[pos : pos + 1]
        if following in _ESCAPES:
            self.pos = pos + 1
            return _ESCAPES[following]
        if following in ("c", "C") and pos + 1 < len(text):
            self.pos = pos + 2
            return chr((ord(text[pos + 1].upper()) - 64) & 0x7F)
        if re.fullmatch(r"[0-7]{3}", text[pos : pos + 3]):
            self.pos = pos + 3
            return chr(int(text[pos : pos + 3], 8))
        self.pos = pos + len(following)
        return following

    def variable(self, char: str) -> Optional[str]:
        """Skip a backtick command or a ``$VAR``/``${VAR}`` reference: its value when it is a known
        variable, else ``None``."""
        text, start = self.text, self.pos
        if char == "`":
            end = text.find("`", self.pos + 1)
            newline = text.find("\n", self.pos + 1)
            self.pos = (end + 1) if end != -1 and (newline == -1 or end < newline) else (newline if newline != -1 else len(text))
            return None
        if text.startswith("${", self.pos):
            end = text.find("}", self.pos)
            self.pos = end + 1 if end != -1 else len(text)
            name = text[start + 2 : self.pos - 1]
        else:
            self.pos = _NAME.match(text, self.pos).end()  # type: ignore[union-attr]
            name = text[start + 1 : self.pos]
        return self.variables.get(name)
