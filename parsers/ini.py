"""Files read by Python 3's ``configparser`` with its defaults (getmail6, offlineimap3), every byte kept.

The grammar, as ``RawConfigParser._read`` has it: lines end at LF, CRLF or CR (files are read
with universal newlines); ``[name]`` starts a section (the name runs to the line's last
``]``); ``key = value`` or ``key: value`` (the first ``=`` or ``:``; keys lower-cased) sets an
option; a line indented deeper than its option's line goes on with the value, and so does a
blank line (each line of a value loses the blanks at its ends, the value its blank lines at the
end); a line whose first character that is not blank is ``#`` or ``;`` is a comment, ending nothing.  Text before any section, a line with no
``=`` or ``:``, and a section or an option given twice (in one section) are errors, as
configparser's ``strict`` default makes them.

Tokens: each option line is ``WS`` (its indent), ``KEY``, ``SEP`` (the delimiter with the blanks
around it), ``VALUE``, ``WS`` (trailing blanks) and ``NL``; a continuation line ``WS``,
``VALUE``, ``WS``, ``NL``; any other line is one ``OTHER`` token and its ``NL``.  An edit
replaces value tokens or whole lines, so comments, spacing and the order stay.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Iterable
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import added_lines
from migrate.document import decode
from migrate.errors import ParseError

DEFAULT = "DEFAULT"
#: configparser's booleans (``getboolean``), which getmail and offlineimap use too; a pair per spelling family
BOOLEANS = {"1": True, "yes": True, "true": True, "on": True, "0": False, "no": False, "false": False, "off": False}
_OPPOSITE = {"1": "0", "yes": "no", "true": "false", "on": "off", "0": "1", "no": "yes", "false": "true", "off": "on"}
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_HEADER = re.compile(r"\[(.+)\]")
_DELIMITER = re.compile(r"[=:]")


class Option(NamedTuple):
    section: str
    name: str  #: lower case, as configparser keys it
    line: int  #: 1-based line of its key
    lines: tuple[tuple[int, int], ...]  #: token span of each line of the value: its own, then continuations
    values: tuple[int, ...]  #: its VALUE tokens, one a line (blank lines inside it have none)

    @property
    def start(self) -> int:
        return self.lines[0][0]

    @property
    def end(self) -> int:
        """The token after its last line."""
        return self.lines[-1][1]


class Section(NamedTuple):
    name: str
    line: int
    header: tuple[int, int]  #: token span of its header line
    options: tuple[Option, ...]

    @property
    def end(self) -> int:
        """Where a new option goes: after its last option's lines, else after its header."""
        return self.options[-1].end if self.options else self.header[1]


@dataclasses.dataclass(frozen=True)
class IniFile(FileDocument):
    sections: tuple[Section, ...] = ()

    @functools.cached_property
    def _by_name(self) -> dict[str, Section]:
        return {section.name: section for section in self.sections}

    def section(self, name: str) -> Optional[Section]:
        return self._by_name.get(name)

    def option(self, section: str, name: str, inherited: bool = False) -> Optional[Option]:
        """The option of that section (with ``inherited``, from ``[DEFAULT]`` when the section has none)."""
        found = self._options.get((section, name))
        if found is None and inherited and section != DEFAULT:
            found = self._options.get((DEFAULT, name))
        return found

    @functools.cached_property
    def _options(self) -> dict[tuple[str, str], Option]:
        return {(option.section, option.name): option for section in self.sections for option in section.options}

    def raw(self, option: Option) -> str:
        """The value as configparser keeps it before any interpolation: its lines joined (a blank line inside
        it as an empty one), trailing blank lines gone."""
        lines = []
        for start, end in option.lines:
            lines.append(next((self.tokens[i].text for i in range(start, end) if self.tokens[i].kind == "VALUE"), ""))
        return "\n".join(lines).rstrip()

    def get(self, section: str, name: str, inherited: bool = False) -> Optional[str]:
        found = self.option(section, name, inherited)
        return None if found is None else self.raw(found)


def boolean(text: Optional[str]) -> Optional[bool]:
    """The boolean a value stands for; ``None`` when absent or not a boolean."""
    return None if text is None else BOOLEANS.get(text.strip().lower())


def boolean_text(old: Optional[str], on: bool) -> str:
    """``on`` written in the spelling of the value it replaces: ``No`` -> ``Yes``, ``0`` -> ``1``, else yes/no."""
    old = (old or "").strip()
    if BOOLEANS.get(old.lower()) is on:
        return old
    new = _OPPOSITE.get(old.lower(), "yes" if on else "no")
    return new.upper() if old.isupper() and len(old) > 1 else new.capitalize() if old[:1].isupper() else new


def parse_ini(data: bytes, path: str, secrets: Iterable[str] = ()) -> IniFile:
    """The file as configparser reads it; the values of options named in ``secrets`` are secret tokens."""
    return _Reader(decode(data), path, frozenset(secrets)).read()


class _Reader:
    def __init__(self, text: str, path: str, secrets: frozenset[str]) -> None:
        self.text, self.path, self.secrets = text, path, secrets
        self.tokens: list[Token] = []
        self.sections: list[Section] = []
        self.section: Optional[tuple[str, int, tuple[int, int]]] = None
        self.options: list[Option] = []
        self.current: Optional[Option] = None  #: the option whose value a deeper line goes on with
        self.indent = 0
        self.seen: set[object] = set()

    def read(self) -> IniFile:
        for number, match in enumerate(_LINE.finditer(self.text), 1):
            body, end = match.group(1), match.group(2)
            if not body and not end:
                break
            self._line(number, body)
            if end:
                self.tokens.append(Token("NL", end))
            if self.current is not None and self.current.lines[-1][1] == -1:
                self.current = self.current._replace(lines=self.current.lines[:-1] + (
                    (self.current.lines[-1][0], len(self.tokens)),))
        self._close_option()
        self._close_section()
        return IniFile(tuple(self.tokens), self.path, tuple(self.sections))

    def _line(self, number: int, body: str) -> None:
        start = len(self.tokens)
        stripped = body.strip()
        if not stripped or stripped.startswith(("#", ";")):
            if body:
                self.tokens.append(Token("OTHER", body))
            if not stripped and self.current is not None:  # a blank line inside a value belongs to it
                self.current = self.current._replace(lines=self.current.lines + ((start, -1),))
            return
        indent = len(body) - len(body.lstrip())
        if self.current is not None and indent > self.indent:
            self._continuation(body, indent, start)
            return
        self._close_option()
        self.indent = indent
        header = _HEADER.match(stripped)
        if header is not None:
            self._close_section()
            name = header.group(1)
            if name != DEFAULT and name in self.seen:
                raise self._error(number, indent, f"section [{name}] given twice (Python's configparser refuses it)")
            self.seen.add(name)
            self.tokens.append(Token("OTHER", body))
            self.section = (name, number, (start, -1))
            return
        if self.section is None:
            raise self._error(number, indent, "text before the first [section]")
        delimiter = _DELIMITER.search(stripped)
        key = stripped[: delimiter.start()].rstrip() if delimiter else ""
        if not key:
            raise self._error(number, indent, "not a 'name = value' line, a [section] or a comment")
        name = key.lower()
        if (self.section[0], name) in self.seen:
            raise self._error(number, indent, f"option {name!r} given twice in [{self.section[0]}] "
                                              "(Python's configparser refuses it)")
        self.seen.add((self.section[0], name))
        self._option_line(body, indent, key, name, number, start)

    def _option_line(self, body: str, indent: int, key: str, name: str, number: int, start: int) -> None:
        rest = body[indent + len(key):]
        after = len(rest) - len(rest.lstrip()) + 1  # the blanks before the delimiter, and the delimiter
        after += len(rest[after:]) - len(rest[after:].lstrip())
        value = rest[after:].rstrip()
        if indent:
            self.tokens.append(Token("WS", body[:indent]))
        self.tokens += [Token("KEY", key), Token("SEP", rest[:after])]
        values = (len(self.tokens),)
        self.tokens.append(Token("VALUE", value, name in self.secrets))
        self._trailing(rest[after + len(value):])
        self.current = Option(self.section[0], name, number, ((start, -1),), values)

    def _continuation(self, body: str, indent: int, start: int) -> None:
        assert self.current is not None
        value = body[indent:].rstrip()
        self.tokens.append(Token("WS", body[:indent]))
        self.current = self.current._replace(lines=self.current.lines + ((start, -1),),
                                             values=self.current.values + (len(self.tokens),))
        self.tokens.append(Token("VALUE", value, self.current.name in self.secrets))
        self._trailing(body[indent + len(value):])

    def _trailing(self, blanks: str) -> None:
        if blanks:
            self.tokens.append(Token("WS", blanks))

    def _close_option(self) -> None:
        """The option read so far, without the blank lines after its value (configparser drops them)."""
        if self.current is None:
            return
        option = self.current
        while len(option.lines) > len(option.values) and not self._has_value(option.lines[-1]):
            option = option._replace(lines=option.lines[:-1])
        self.options.append(option)
        self.current = None

    def _has_value(self, span: tuple[int, int]) -> bool:
        return any(self.tokens[i].kind == "VALUE" for i in range(span[0], span[1]))

    def _close_section(self) -> None:
        if self.section is None:
            return
        name, line, (start, _) = self.section
        end = start + 1 + (start + 1 < len(self.tokens) and self.tokens[start + 1].kind == "NL")
        self.sections.append(Section(name, line, (start, end), tuple(self.options)))
        self.options = []
        self.section = None

    def _error(self, line: int, indent: int, message: str) -> ParseError:
        return ParseError(self.path, line, indent + 1, message)


class IniEditor:
    """Edits of one file: values set where they stand (a new option after its section's last), options dropped."""

    def __init__(self, ini: IniFile) -> None:
        self.ini = ini
        self.edits: list[Edit] = []
        self.added: dict[int, list[str]] = {}

    def set(self, section: str, name: str, text: str) -> None:
        """``name`` of ``section`` written as ``text`` (already in the file's notation); added when it has none."""
        option = self.ini.option(section, name)
        if option is None:
            self.add(section, name, text)
        elif self.ini.raw(option) != text:
            self.replace(option, text)

    def replace(self, option: Option, text: str) -> None:
        """The value becomes ``text`` on the option's own line; the lines it went on over go."""
        first = option.values[0]
        if not self.ini.tokens[first].text and text and not self.ini.tokens[first - 1].text[-1:].isspace():
            text = " " + text  # "key =" had nothing after it: "key = value"
        self.edits.append(Edit(first, first + 1, text))
        for start, end in option.lines[1:]:
            self.edits.append(Edit(start, end, ""))

    def replace_value(self, index: int, text: str) -> None:
        """One VALUE token rewritten: a line of a value written over several."""
        self.edits.append(Edit(index, index + 1, text))

    def add(self, section: str, name: str, text: str) -> None:
        """A new option after the section's last, indented and separated as its first one is."""
        found = self.ini.section(section)
        if found is None:
            raise ValueError(f"no section [{section}]")
        indent, sep = "", " = "
        if found.options:
            model, tokens = found.options[0], self.ini.tokens
            key = model.values[0] - 2
            indent = tokens[key - 1].text if key > model.start else ""
            sep = tokens[key + 1].text
        self.added.setdefault(found.end, []).append(f"{indent}{name}{sep}{text}")

    def drop(self, option: Option) -> None:
        """The option's lines go (a comment line between them stays)."""
        for start, end in option.lines:
            self.edits.append(Edit(start, end, ""))

    def document(self) -> IniFile:
        tokens, newline = self.ini.tokens, self.ini.newline
        edits = self.edits + [added_lines(tokens, at, lines, newline) for at, lines in self.added.items()]
        done = self.ini.apply(edits)
        return dataclasses.replace(self.ini, tokens=done.tokens)
