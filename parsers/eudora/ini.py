"""``Eudora.ini`` as Windows reads it (``GetPrivateProfileString``), every byte kept.

The file is in the ANSI code page (cp1252 here; bytes it leaves undefined are
kept by ``surrogateescape``), or UTF-16LE with its byte order mark.  Lines end at LF, a CRLF kept whole.  What
Windows makes of a line (learnt from the tests that WelliSolutions'
IniFileFormatReverseEngineering runs against the real API, and from Wine's
``profile.c``):

- blanks (space, tab, vertical tab) around a line, a key and a value do not count;
- ``[name`` starts a section whose name ends at the first ``]`` (or at the end
  of the line), blanks around it dropped; text after the ``]`` is ignored;
- ``;`` as the first non-blank starts a comment; nowhere else;
- ``key=value``: the key up to the first ``=``; one pair of matching quotes
  (``"`` or ``'``) around the value is dropped;
- a line without ``=`` names a key with no value (it reads as missing, but it
  shadows a later line of the same key, as the first occurrence does: Wine);
- section and key names compare without case; the first section of a name is
  the only one read (a later one of the same name is dead), and so is the
  first line of a key in it; lines before the first section are never read.

Tokens: a key line is ``WS`` (its indent), ``KEY``, ``EQ`` (``=`` with the
blanks around it), ``VALUE`` (quotes included), ``WS`` (trailing blanks) and
``NL``, so an edit replaces a value and nothing else; every other line is
one token and its ``NL``.  A saved password's value is secret.
"""
from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.document import EncodedDocument
from migrate.document import Token
from migrate.errors import ParseError

BLANKS = " \t\v"
_LINE = re.compile(r"[^\n]*(?:\n|$)")
#: Keys holding a saved password (``SavePasswordText``, ``AutoConnectionPassword``, ``SSLReceivePrivateKeyPassword``:
#: Eudora's own obfuscation, which anyone can undo): never shown.  Not ``SSLPasswordUse`` and the like.
_SECRET = re.compile(r"password(?!.*(?:use|port|string|list)$)", re.IGNORECASE)
_FLAGS = frozenset({"savepassword", "authenticatepassword", "autoconnectionsavepassword"})


def is_secret(key: str) -> bool:
    return key.lower() not in _FLAGS and _SECRET.search(key) is not None


class Entry(NamedTuple):
    key: str  #: as written, blanks around it dropped
    value: Optional[str]  #: as Windows returns it (blanks and one pair of outer quotes dropped); ``None``: no ``=``
    token: int  #: its VALUE token (for a line without ``=``: its KEY token)
    quote: str  #: the quote around the value in the file, ``""`` when none
    line: int


class Section(NamedTuple):
    name: str  #: as Windows compares it: blanks dropped
    line: int
    entries: tuple[Entry, ...]
    end: int  #: token index after its last key line (after its header when it has none): where new keys go

    def entry(self, key: str) -> Optional[Entry]:
        """The line Windows reads for ``key``: the first of that name, in any case."""
        lower = key.lower()
        return next((entry for entry in self.entries if entry.key.lower() == lower), None)

    def get(self, key: str) -> Optional[str]:
        entry = self.entry(key)
        return entry.value if entry is not None else None


@dataclasses.dataclass(frozen=True)
class IniFile(EncodedDocument):
    sections: tuple[Section, ...] = ()

    def section(self, name: str) -> Optional[Section]:
        """The section Windows reads under ``name``: the first of that name, in any case."""
        lower = name.strip(BLANKS).lower()
        return next((section for section in self.sections if section.name.lower() == lower), None)


def parse_ini(data: bytes, path: str) -> IniFile:
    """The file in the ANSI code page, or in UTF-16LE after its byte order mark, which Windows reads as well.

    A UTF-8 byte order mark is ANSI text to Windows (it breaks the first line, as here).
    """
    encoding, bom = "cp1252", ""
    if data.startswith(b"\xfe\xff"):
        raise ParseError(path, 1, 1, "a UTF-16 big-endian file, which Windows cannot read; left alone")
    if data.startswith(b"\xff\xfe"):
        encoding, bom, data = "utf-16-le", "\ufeff", data[2:]
        if len(data) % 2:
            raise ParseError(path, 1, 1, "truncated UTF-16 (an odd number of bytes); left alone")
    try:
        text = data.decode(encoding, "surrogateescape" if encoding == "cp1252" else "strict")
    except UnicodeDecodeError as error:
        before = data[: error.start - error.start % 2].decode(encoding, "replace")
        raise ParseError(path, before.count("\n") + 1, len(before) - before.rfind("\n"), "not valid UTF-16 here") from None
    nul = text.find("\0")
    if nul >= 0:
        raise ParseError(path, text.count("\n", 0, nul) + 1, nul - text.rfind("\n", 0, nul),
                         "a NUL character: Windows would stop reading there; left alone")
    return _Reader(path, encoding).read(bom, text)


class _Reader:
    def __init__(self, path: str, encoding: str) -> None:
        self.path, self.encoding = path, encoding
        self.tokens: list[Token] = []
        self.sections: list[Section] = []
        self.entries: list[Entry] = []
        self.anchor = 0  #: token index after the last header or key line read: where a new key of its section goes

    def read(self, bom: str, text: str) -> IniFile:
        self._token("BOM", bom)
        for number, match in enumerate(_LINE.finditer(text), 1):
            line = match.group()
            if not line:
                break  # the empty match at the end
            body = line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line
            anchor = self._line(body, number)
            if len(line) > len(body):
                self.tokens.append(Token("NL", line[len(body):]))
            if anchor:
                self.anchor = len(self.tokens)
        self._close()
        return IniFile(tuple(self.tokens), self.path, self.encoding, tuple(self.sections))

    def _line(self, body: str, number: int) -> bool:
        """Tokens of one line (its newline apart); whether it is a header or a key line."""
        stripped = body.strip(BLANKS)
        if stripped.startswith("["):
            self._close()
            self.sections.append(Section(stripped[1:].split("]", 1)[0].strip(BLANKS), number, (), -1))
            self.tokens.append(Token("SECTION", body))
            return True
        if not stripped or stripped.startswith(";") or not self.sections:  # blank, comment, or never read
            self._token("TEXT", body)
            return False
        lead = body[: len(body) - len(body.lstrip(BLANKS))]
        equals = body.find("=")
        self._token("WS", lead)
        if equals < 0:
            self.entries.append(Entry(stripped, None, len(self.tokens), "", number))
            self._token("KEY", stripped)
            self._token("WS", body[len(lead) + len(stripped):])
            return True
        key = body[len(lead):equals].rstrip(BLANKS)
        rest = body[equals + 1:]
        value = rest.strip(BLANKS)
        start = equals + 1 + len(rest) - len(rest.lstrip(BLANKS))
        quote = value[0] if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0] else ""
        self._token("KEY", key)
        self._token("EQ", body[len(lead) + len(key):start])
        self.entries.append(Entry(key, value[1:-1] if quote else value, len(self.tokens), quote, number))
        self.tokens.append(Token("VALUE", value, bool(value) and is_secret(key)))  # kept even when empty: an edit's target
        self._token("WS", body[start + len(value):])
        return True

    def _token(self, kind: str, text: str) -> None:
        if text:
            self.tokens.append(Token(kind, text))

    def _close(self) -> None:
        if self.sections and self.sections[-1].end < 0:
            self.sections[-1] = self.sections[-1]._replace(entries=tuple(self.entries), end=self.anchor)
        self.entries = []


def set_values(ini: IniFile, wanted: dict[str, dict[str, str]]) -> list[Edit]:
    """Edits that give each section (by name) the values asked for: a key's first line gets the new value
    (in its own quotes) where it stands; a missing key is added after the section's last key line, in the
    file's newline; a missing section is added at the end of the file."""
    edits, inserted = [], {}
    newline = ini.newline
    for name, values in wanted.items():
        section = ini.section(name)
        at = len(ini.tokens) if section is None else section.end
        lines = inserted.setdefault(at, [])
        if section is None:
            lines += ["", f"[{name}]"]
        for key, value in values.items():
            entry = section.entry(key) if section is not None else None
            if entry is None:
                lines.append(f"{key}={value}")
            elif entry.value is None:
                edits.append(Edit(entry.token, entry.token + 1, f"{ini.tokens[entry.token].text}={value}"))
            elif entry.value != value:
                edits.append(Edit(entry.token, entry.token + 1, f"{entry.quote}{value}{entry.quote}"))
    for at, lines in inserted.items():
        if lines:
            text = "".join(line + newline for line in lines)
            if at > 0 and ini.tokens[at - 1].kind != "NL":  # after a last line without its newline: that goes first
                text = newline + text[: -len(newline)]
            edits.append(Edit(at, at, text))
    return edits
