"""Claws Mail and Sylpheed ``key=value`` files (``accountrc``, ``folderitemrc``, ``clawsrc``), line by line.

How both programs read them (``prefs_read_config``, ``prefs_config_parse_one_line``):
a line starting with ``[`` begins a section (and ends the one before); an entry is
``name=value`` with nothing around ``=``, and its value is the rest of the line
but the trailing CR and LF; there is no quoting, escaping or continuation.  A
line they do not take as an entry (a ``#`` comment, blanks, ``name =value``) is
kept as it is.  With a name written twice in a section the last one counts
(Claws' start-up cache keeps whole lines in a hash table, so which one wins
there is not defined): every copy is rewritten, so each gives the same value.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Iterator
from typing import Optional

from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError

_LINE = re.compile(r"([^\n]*?)(\r*\n|\r*\Z)")
#: Values that are passwords, or stand for one (``!`` + obfuscated, or encrypted), in both programs.
SECRET_KEYS = frozenset({"password", "smtp_password", "proxy_pass", "in_ssl_client_cert_pass",
                         "out_ssl_client_cert_pass", "oauth2_authcode", "oauth2_refresh_token", "oauth2_client_secret"})


@dataclasses.dataclass(frozen=True)
class Entry:
    section: int  #: index into ``RcFile.sections``; -1 before the first header
    name: str  #: as written
    value_index: int  #: its VALUE token
    line_end: int  #: the token after its line


@dataclasses.dataclass(frozen=True)
class Section:
    label: str  #: between ``[`` and the last ``]``
    header_index: int  #: its SECTION token
    line: int


@dataclasses.dataclass(frozen=True)
class RcFile(FileDocument):
    sections: tuple[Section, ...] = ()
    entries: tuple[Entry, ...] = ()
    fold_case: bool = False  #: Claws compares names without case; Sylpheed exactly

    def key(self, name: str) -> str:
        return name.lower() if self.fold_case else name

    def get(self, section: int, name: str) -> Optional[str]:
        """The value the program reads: the last entry of that name in the section."""
        found = self._by_name.get((section, self.key(name)))
        return self.tokens[found[-1].value_index].text if found else None

    def entries_of(self, section: int, name: str) -> tuple[Entry, ...]:
        return self._by_name.get((section, self.key(name)), ())

    def section_entries(self, section: int) -> Iterator[Entry]:
        return iter(self._by_section.get(section, ()))

    @functools.cached_property
    def _by_section(self) -> dict[int, tuple[Entry, ...]]:
        found: dict[int, list[Entry]] = {}
        for entry in self.entries:
            found.setdefault(entry.section, []).append(entry)
        return {section: tuple(entries) for section, entries in found.items()}

    @functools.cached_property
    def _by_name(self) -> dict[tuple[int, str], tuple[Entry, ...]]:
        found: dict[tuple[int, str], list[Entry]] = {}
        for entry in self.entries:
            found.setdefault((entry.section, self.key(entry.name)), []).append(entry)
        return {key: tuple(entries) for key, entries in found.items()}


def parse_rcfile(data: bytes, path: str, fold_case: bool = False) -> RcFile:
    """A ``key=value`` file as tokens: SECTION, KEY, EQ, VALUE, OTHER and NL (its CR and LF)."""
    text = decode(data)
    nul = text.find("\0")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        raise ParseError(path, line, nul - (text.rfind("\n", 0, nul) + 1) + 1, "a NUL byte: the programs would stop reading the line there")
    tokens: list[Token] = []
    sections: list[Section] = []
    entries: list[Entry] = []
    for number, match in enumerate(_LINE.finditer(text), 1):
        body, end = match.group(1), match.group(2)
        if not body and not end:
            break
        if body.startswith("["):
            label = body[1:]
            label = label[: label.rfind("]")] if "]" in label else label
            sections.append(Section(label, len(tokens), number))
            tokens.append(Token("SECTION", body))
        elif "=" in body and not body.startswith("#"):
            name, _, value = body.partition("=")
            tokens += [Token("KEY", name), Token("EQ", "=")]
            entries.append(Entry(len(sections) - 1, name, len(tokens), len(tokens) + 1 + bool(end)))
            tokens.append(Token("VALUE", value, bool(value) and name.lower() in SECRET_KEYS))
        elif body:
            tokens.append(Token("OTHER", body))
        if end:
            tokens.append(Token("NL", end))
    return RcFile(tuple(tokens), path, tuple(sections), tuple(entries), fold_case)


class RcEditor:
    """Edits of one rc file: set a name in a section (every copy; added after its last entry when
    missing), and rename a section."""

    def __init__(self, rcfile: RcFile) -> None:
        self.rcfile = rcfile
        self.values: dict[int, str] = {}
        self.added: dict[int, dict[str, str]] = {}
        self.headers: dict[int, str] = {}

    def set(self, section: int, name: str, value: str) -> None:
        found = self.rcfile.entries_of(section, name)
        for entry in found:
            if self.rcfile.tokens[entry.value_index].text != value:
                self.values[entry.value_index] = value
        if not found:
            self.added.setdefault(section, {})[name] = value

    def rename(self, section: int, label: str) -> None:
        self.headers[self.rcfile.sections[section].header_index] = f"[{label}]"

    @property
    def changed(self) -> bool:
        return bool(self.values or self.added or self.headers)

    def document(self) -> RcFile:
        rcfile, tokens = self.rcfile, self.rcfile.tokens
        edits = [Edit(index, index + 1, text) for index, text in {**self.values, **self.headers}.items()]
        newline = rcfile.newline
        for section, names in self.added.items():
            at = self._after_last_entry(section)
            lead = "" if at == 0 or tokens[at - 1].kind == "NL" else newline
            edits.append(Edit(at, at, lead + "".join(f"{name}={value}{newline}" for name, value in names.items())))
        return dataclasses.replace(rcfile, tokens=rcfile.apply(edits).tokens)

    def _after_last_entry(self, section: int) -> int:
        """Where a new name of the section goes: after its last entry, else after its header's line."""
        ends = [entry.line_end for entry in self.rcfile.section_entries(section)]
        if ends:
            return max(ends)
        header, tokens = self.rcfile.sections[section].header_index, self.rcfile.tokens
        return header + 2 if header + 1 < len(tokens) and tokens[header + 1].kind == "NL" else header + 1
