"""Statements of a user prefs file: ``user_pref("name", value);`` and nothing else.

A file Gecko would only partly load (it skips a broken statement) is refused
here with its line and column: Thunderbird would drop that statement on its
next save, so we never write on top of one.
"""
from __future__ import annotations

import dataclasses
from typing import Optional
from typing import Union

from migrate.document import FileDocument
from migrate.document import decode
from migrate.errors import ParseError
from parsers.thunderbird.prefs_lexer import Lexeme
from parsers.thunderbird.prefs_lexer import PrefsSyntaxError
from parsers.thunderbird.prefs_lexer import tokenize

Value = Union[str, int, bool]
_INT_RANGE = range(-(2**31), 2**31)
_TRIVIA = frozenset({"WS", "COMMENT", "BOM", "IGNORED"})


@dataclasses.dataclass(frozen=True)
class Pref:
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


def parse_prefs(data: bytes, path: str) -> PrefsFile:
    text = decode(data)
    try:
        lexemes = list(tokenize(text))
        prefs = _Statements(lexemes).parse()
    except PrefsSyntaxError as error:
        before = text[: error.offset]
        line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
        col = error.offset - max(before.rfind("\n"), before.rfind("\r")) if line > 1 else error.offset + 1
        raise ParseError(path, line, col, error.message) from None
    # Netscape-era profiles kept passwords in clear text: never show one
    secret = {i for pref in prefs if pref.name.endswith(".password") for i in range(pref.value_first, pref.value_last + 1)}
    tokens = tuple(lexeme.token._replace(secret=True) if i in secret else lexeme.token for i, lexeme in enumerate(lexemes))
    return PrefsFile(tokens, path, tuple(prefs), {pref.name: pref for pref in prefs})


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
