"""Statements of a user prefs file: ``user_pref("name", value);`` and nothing else.

A file Gecko would only partly load (it skips a broken statement) is refused
here with its line and column: Thunderbird would drop that statement on its
next save, so we never write on top of one.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from typing import NamedTuple
from typing import Optional
from typing import Union

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError
from parsers.thunderbird.prefs_lexer import Lexeme
from parsers.thunderbird.prefs_lexer import PrefsSyntaxError
from parsers.thunderbird.prefs_lexer import string_literal
from parsers.thunderbird.prefs_lexer import tokenize

Value = Union[str, int, bool]
_INT_RANGE = range(-(2**31), 2**31)
_TRIVIA = frozenset({"WS", "COMMENT", "BOM", "IGNORED"})


class Pref(NamedTuple):
    name: str
    value: Value
    first: int  #: token index of ``user_pref``
    value_first: int  #: first token of the value (a sign, for negative numbers)
    value_last: int
    last: int  #: token index of the closing ``;``


@dataclasses.dataclass(frozen=True)
class PrefsFile(FileDocument):
    prefs: tuple[Pref, ...] = ()
    winners: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)  #: name -> last Pref

    def get(self, name: str) -> Optional[Pref]:
        """The statement that wins for ``name``: the last one."""
        return self.winners.get(name)

    def statements(self, name: str) -> list[Pref]:
        """Every statement of ``name``, in file order: looked up, for edits that find them by name."""
        if name in self._repeated:
            return self._repeated[name]
        winner = self.winners.get(name)
        return [winner] if winner is not None else []

    @functools.cached_property
    def _repeated(self) -> dict[str, list[Pref]]:
        """The names set more than once, with their statements (``winners`` has the last of every name)."""
        counts = Counter(pref.name for pref in self.prefs)
        found: dict[str, list[Pref]] = {}
        for pref in self.prefs:
            if counts[pref.name] > 1:
                found.setdefault(pref.name, []).append(pref)
        return found


def parse_prefs(data: bytes, path: str) -> PrefsFile:
    text = decode(data)
    try:
        tokens, prefs = statements_as_written(text) or statements(text)
    except PrefsSyntaxError as error:
        before = text[: error.offset]
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        col = error.offset - max(before.rfind("\n"), before.rfind("\r")) if line > 1 else error.offset + 1
        raise ParseError(path, line, col, error.message) from None
    return PrefsFile(tuple(tokens), path, tuple(prefs), {pref.name: pref for pref in prefs})


def statements(text: str) -> tuple[list[Token], list[Pref]]:
    """Tokens and statements of any text Gecko accepts, through the general lexer and grammar."""
    lexemes = list(tokenize(text))
    prefs = _Statements(lexemes).parse()
    # Netscape-era profiles kept passwords in clear text: never show one
    secret = {i for pref in prefs if pref.name.endswith(".password") for i in range(pref.value_first, pref.value_last + 1)}
    return [lexeme.token._replace(secret=True) if i in secret else lexeme.token for i, lexeme in enumerate(lexemes)], prefs


_STRING = r'"(?:[^"\\\r\n\0]|\\[^\r\n\0])*"'
_BLANK = r"[ \t\v\f\r\n]"
#: a blank run, a line comment, or a statement with the blanks after it
_AS_WRITTEN = re.compile(
    rf"({_BLANK}+)|((?://|#)[^\r\n\0]*)"
    rf"|user_pref\(({_STRING})(, ?)(?:({_STRING})|(true|false)|(-)?([0-9]+))\);({_BLANK}*)"
)
_KEYWORD, _LPAREN, _COMMA, _SPACE = Token("KEYWORD", "user_pref"), Token("LPAREN", "("), Token("COMMA", ","), Token("WS", " ")
_MINUS, _RPAREN, _SEMI = Token("MINUS", "-"), Token("RPAREN", ")"), Token("SEMI", ";")


def statements_as_written(text: str) -> Optional[tuple[list[Token], list[Pref]]]:
    """The same as :func:`statements`, one match per statement, for files in the form Thunderbird writes.

    None for anything else (block comments, odd spacing, raw newlines in strings, NUL,
    errors): the general path then reads the file, or locates its error.
    """
    tokens: list[Token] = []
    prefs: list[Pref] = []
    pos = 0
    if text.startswith("\ufeff"):
        tokens.append(Token("BOM", "\ufeff"))
        pos = 1
    match = _AS_WRITTEN.match
    while pos < len(text):
        found = match(text, pos)
        if found is None:
            return None
        pos = found.end()
        blank, comment, name_text, comma, literal, boolean, minus, digits, after = found.groups()
        if blank is not None:
            tokens.append(Token("WS", blank))
            continue
        if comment is not None:
            tokens.append(Token("COMMENT", comment))
            continue
        try:
            name = _string_value(text, found.start(3), name_text)
            value: Value = _string_value(text, found.start(5), literal) if literal is not None else 0
        except PrefsSyntaxError:
            return None
        first = len(tokens)
        tokens += (_KEYWORD, _LPAREN, Token("STRING", name_text), _COMMA, _SPACE) if comma == ", " else (
            _KEYWORD, _LPAREN, Token("STRING", name_text), _COMMA)
        secret = name.endswith(".password")
        value_first = len(tokens)
        if literal is not None:
            tokens.append(Token("STRING", literal, secret))
        elif boolean is not None:
            value = boolean == "true"
            tokens.append(Token("KEYWORD", boolean, secret))
        else:
            value = -int(digits) if minus else int(digits)
            if value not in _INT_RANGE:
                return None
            if minus:
                tokens.append(_MINUS._replace(secret=True) if secret else _MINUS)
            tokens.append(Token("INT", digits, secret))
        prefs.append(Pref(name, value, first, value_first, len(tokens) - 1, len(tokens) + 1))
        tokens += (_RPAREN, _SEMI, Token("WS", after)) if after else (_RPAREN, _SEMI)
    return tokens, prefs


def _string_value(text: str, start: int, literal: str) -> str:
    return literal[1:-1] if "\\" not in literal else string_literal(text, start)[1]


class _Statements:
    def __init__(self, lexemes: list[Lexeme]) -> None:
        self.lexemes = lexemes
        self.significant = [i for i, lexeme in enumerate(lexemes) if lexeme.token.kind not in _TRIVIA]
        self.at = 0

    def peek(self) -> Optional[Lexeme]:
        return self.lexemes[self.significant[self.at]] if self.at < len(self.significant) else None

    def take(self, kind: str, what: str) -> int:
        lexeme = self.peek()
        if lexeme is None or lexeme.token.kind != kind:
            self.fail(f"expected {what}")
        self.at += 1
        return self.significant[self.at - 1]

    def fail(self, message: str) -> None:
        lexeme = self.peek()
        end = self.lexemes[-1].offset + len(self.lexemes[-1].token.text) if self.lexemes else 0
        raise PrefsSyntaxError(lexeme.offset if lexeme else end, message + ("" if lexeme else " before end of file"))

    def parse(self) -> list[Pref]:
        prefs = []
        while self.peek() is not None:
            keyword = self.peek()
            if keyword.token.kind != "KEYWORD" or keyword.token.text != "user_pref":  # type: ignore[union-attr]
                self.fail("expected 'user_pref' at start of pref definition")
            first = self.take("KEYWORD", "user_pref")
            self.take("LPAREN", "'(' after user_pref")
            name = self.lexemes[self.take("STRING", "pref name string")].value
            self.take("COMMA", "',' after pref name")
            value_first, value, value_last = self.value()
            self.take("RPAREN", "')' after pref value")
            last = self.take("SEMI", "';' after pref definition")
            prefs.append(Pref(str(name), value, first, value_first, value_last, last))
        return prefs

    def value(self) -> tuple[int, Value, int]:
        lexeme = self.peek()
        kind = lexeme.token.kind if lexeme else "EOF"
        if kind == "STRING":
            index = self.take("STRING", "")
            return index, str(self.lexemes[index].value), index
        if kind == "KEYWORD" and lexeme.token.text in ("true", "false"):  # type: ignore[union-attr]
            index = self.take("KEYWORD", "")
            return index, lexeme.token.text == "true", index  # type: ignore[union-attr]
        sign = 1
        first = self.significant[self.at] if lexeme else -1
        if kind in ("PLUS", "MINUS"):
            sign = -1 if kind == "MINUS" else 1
            self.at += 1
        index = self.take("INT", "pref value")
        number = sign * int(self.lexemes[index].value)  # type: ignore[arg-type]
        if number not in _INT_RANGE:
            self.at -= 1
            self.fail("integer literal overflowed")
        return first, number, index
