"""Filter rules, kept as text with each folder they name as its own token.

- Claws ``matcherrc`` (``matcher_parser_lex.l``): a line ``[<identifier>]``
  holds a folder's own processing rules (``[preglobal]``, ``[postglobal]`` and
  ``[filtering]`` are not folders); in a rule, ``move "<identifier>"`` and
  ``copy "<identifier>"`` name the folder a message goes to.  Strings are in
  double quotes, ``\\`` takes the next character as it is.
- Sylpheed ``filter.xml`` (``libsylph/filter.c``): ``<move>identifier</move>``
  and ``<copy>identifier</copy>``, XML-escaped.
"""
from __future__ import annotations

import dataclasses
import re

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError
from parsers.claws.identifiers import xml_escape
from parsers.claws.identifiers import xml_unescape

_LINE = re.compile(r"([^\n]*)(\n|\Z)")
#: Outside strings: a keyword, a string, or any other character (eaten by the lexer).
_LEXEME = re.compile(r'(?P<word>[~a-z][a-z_]*)|(?P<string>"(?:[^"\\\n]|\\.)*")|(?P<open>")|.', re.S)
_ESCAPED = re.compile(r"\\(.)", re.S)
_XML_ACTION = re.compile(r"<(move|copy)>([^<]*)</\1>")


@dataclasses.dataclass(frozen=True)
class FilterFile(FileDocument):
    """SECTION tokens hold a folder identifier between ``[`` and ``]``; DEST tokens one as the file writes it."""

    xml: bool = False

    def identifier(self, index: int) -> str:
        text = self.tokens[index].text
        if self.tokens[index].kind == "SECTION":
            return text[1:-1]
        return xml_unescape(text) if self.xml else _ESCAPED.sub(r"\1", text)

    def written(self, index: int, identifier: str) -> str:
        """The token's text naming ``identifier`` instead."""
        if self.tokens[index].kind == "SECTION":
            return f"[{identifier}]"
        return xml_escape(identifier) if self.xml else re.sub(r'(["\\])', r"\\\1", identifier)

    def folder_tokens(self) -> list[int]:
        return [index for index, token in enumerate(self.tokens) if token.kind in ("SECTION", "DEST")]


def parse_matcherrc(data: bytes, path: str) -> FilterFile:
    text = decode(data)
    tokens: list[Token] = []
    for number, match in enumerate(_LINE.finditer(text), 1):
        body, end = match.group(1), match.group(2)
        if not body and not end:
            break
        if body.startswith("[") and body.endswith("]") and len(body) > 1:
            tokens.append(Token("SECTION", body))
        elif body:
            tokens += _rule_tokens(body, path, number)
        if end:
            tokens.append(Token("NL", end))
    return FilterFile(tuple(tokens), path)


def _rule_tokens(line: str, path: str, number: int) -> list[Token]:
    """One rule line: TEXT, with each ``move``/``copy`` destination's string body as DEST."""
    tokens: list[Token] = []
    done, action = 0, False
    for lexeme in _LEXEME.finditer(line):
        if lexeme.group("open") is not None:
            raise ParseError(path, number, lexeme.start() + 1, "a string that is never closed")
        if lexeme.group("string") is not None and action:
            tokens += [Token("TEXT", line[done : lexeme.start() + 1]), Token("DEST", lexeme.group()[1:-1])]
            done = lexeme.end() - 1
        if not lexeme.group().isspace():
            action = lexeme.group("word") in ("move", "copy")
    return tokens + [Token("TEXT", line[done:])] if line[done:] else tokens


def parse_filter_xml(data: bytes, path: str) -> FilterFile:
    text = decode(data)
    tokens: list[Token] = []
    done = 0
    for match in _XML_ACTION.finditer(text):
        tokens += [Token("TEXT", text[done : match.start(2)]), Token("DEST", match.group(2))]
        done = match.end(2)
    tokens.append(Token("TEXT", text[done:]))
    return FilterFile(tuple(token for token in tokens if token.text or token.kind == "DEST"), path, xml=True)
