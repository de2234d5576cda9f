"""getmail's ``mailboxes``: a Python tuple of strings that getmail evaluates, read here with ``ast``
(never run) and rewritten string by string, each in the line and the quotes it was written in.

``ALL`` (every mailbox) is a name, not a string, and stays.  A string written over two lines
(``"a"`` then ``"b"``, which Python joins) is read but never rewritten.
"""
from __future__ import annotations

import ast
import warnings
from typing import NamedTuple
from typing import Optional

from parsers.ini import IniFile
from parsers.ini import Option


class Literal(NamedTuple):
    token: int  #: the VALUE token (one line of the value) it is written in
    start: int  #: where it starts and ends in that token's text
    end: int
    value: str
    text: str  #: as written, prefix and quotes included


def literals(ini: IniFile, option: Option) -> Optional[list[Literal]]:
    """The strings of the tuple, in order; ``None`` when the value is not a tuple getmail would accept."""
    lines = _value_lines(ini, option)
    text = "\n".join(ini.tokens[i].text if i is not None else "" for i in lines)
    if not text.strip():
        return []  # getmail reads an empty value as ()
    try:
        with warnings.catch_warnings():  # an invalid escape ('\.') is the user's Python, not ours to warn of
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, UnicodeError, MemoryError, RecursionError):
        return None
    if isinstance(tree, ast.Name) and tree.id == "ALL":
        return []
    if not isinstance(tree, ast.Tuple) or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in tree.elts):
        return None
    found = []
    for element in tree.elts:
        if element.lineno != element.end_lineno or lines[element.lineno - 1] is None:
            found.append(Literal(-1, 0, 0, element.value, ""))  # over two lines: read, never rewritten
            continue
        index = lines[element.lineno - 1]
        line = ini.tokens[index].text
        start, end = _column(line, element.col_offset), _column(line, element.end_col_offset)
        found.append(Literal(index, start, end, element.value, line[start:end]))
    return found


def written(literal: Literal, value: str) -> str:
    """``value`` in the quotes of ``literal`` (a ``u`` prefix kept; a raw string's ``r`` dropped, it escapes)."""
    head = literal.text[: len(literal.text) - len(literal.text.lstrip("rRuUbBfF"))]
    quote = literal.text[len(head)]
    body = value.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n")
    return ("u" if "u" in head.lower() else "") + quote + body + quote


def _value_lines(ini: IniFile, option: Option) -> list[Optional[int]]:
    """The VALUE token of each line of the value (``None`` for a blank line inside it)."""
    found: list[Optional[int]] = []
    for start, end in option.lines:
        found.append(next((i for i in range(start, end) if ini.tokens[i].kind == "VALUE"), None))
    return found


def _column(line: str, offset: int) -> int:
    """A character index from ``ast``'s offset, which counts UTF-8 bytes."""
    return len(line.encode("utf-8", "surrogateescape")[:offset].decode("utf-8", "surrogateescape"))
