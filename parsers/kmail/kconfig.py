"""KDE's KConfig files (``kmailrc``, ``mailtransports``, Akonadi's ``akonadi_*_resource_*rc``), read as KConfig reads them.

The grammar, from KConfig's own parser (``kconfigini.cpp`` of KDE Frameworks 5 and 6, which
KDE 4 shares; KDE 3's ``kconfigbackend.cpp`` where it differs, the ``kde3`` dialect):

- A line ends at LF; the blanks around it (space, tab, CR: a CRLF's CR among them) are no part of it.  Blank
  lines and lines starting with ``#`` are comments.
- ``[Group]``: a header.  KDE 4+: ``[A][B]`` is group B inside A, ``[A][$i]`` makes A immutable,
  anything after the last ``]`` is ignored, escapes as in values (``\\x5d`` for ``]``).  KDE 3:
  the name runs to the first single ``]`` and ``[[``/``]]`` stand for ``[``/``]``.  A line
  ``[$i]`` alone makes the rest of the file immutable.  A header KConfig cannot read is skipped
  (the entries after it stay in the group before).
- ``key=value``: the key runs to the first ``=``; blanks around key and value do not count.  At
  the end of the key, ``[$i]`` (immutable), ``[$e]`` (``$VAR`` expanded when read), ``[$d]``
  (deleted, no ``=`` needed) and one ``[locale]``.  A line with no ``=``, a second locale or an
  unclosed ``[`` is skipped, as KConfig skips it.
- Values: ``\\s`` (a space), ``\\t``, ``\\n``, ``\\r``, ``\\\\``, ``\\xNN`` (a byte; KDE 4+ only);
  ``\\,`` and ``\\;`` stay as written (list and desktop-file escapes); other ``\\c`` become ``\\``
  (KDE 3: stay as written); a backslash at the end is dropped (KDE 3: kept).
- Of two entries of a key the last counts, unless the first was immutable; ``[$d]`` deletes; a
  duplicated group is one group; an entry for another locale is read only in that locale.

Every byte is a token: a changed value replaces its VALUE token only, the blanks around it stay.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Mapping
from typing import Optional

from migrate.document import Token
from migrate.document import decode
from migrate.document import encode
from parsers.inifile import Entry
from parsers.inifile import IniFile

KDE3, KDE4 = "kde3", "kde4"  #: dialects; ``kde4`` also stands for KDE Frameworks 5 and 6
#: what KConfig trims around lines, keys and values: KF5's ``bf_isspace``; KDE 3 skips C's ``isspace``
#: (KF6 trims as C does too: ``\v`` and ``\f`` differ, which no KDE writes)
BLANKS = {KDE4: " \t\r", KDE3: " \t\v\f\r"}
_KDE3_VALUE_BLANKS = " \t\r"
_LINE = re.compile(r"([^\n]*)(\n|$)")
_ESCAPES = {"s": " ", "t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_BYTE_ESCAPES = {key.encode(): value.encode() for key, value in _ESCAPES.items()}
_VARIABLE = re.compile(r"\$(?=.)(?:\{([^}]*)\}?|(\w*))", re.S)


@dataclasses.dataclass(frozen=True)
class KEntry(Entry):
    locale: Optional[str] = None  #: ``key[de]``: read only in that locale (``""``: in every one)
    immutable: bool = False
    expand: bool = False  #: ``[$e]``: ``$VAR`` is expanded when read
    deleted: bool = False  #: ``[$d]``


@dataclasses.dataclass(frozen=True)
class KConfigFile(IniFile):
    dialect: str = KDE4
    #: the variables ``[$e]`` values may name that are known here (``HOME``); others stay as written
    environment: Mapping[str, str] = dataclasses.field(default_factory=dict, compare=False)

    def entry(self, group: str, key: str) -> Optional[Entry]:
        """What KConfig reads for the key in a locale of its own (localized entries aside): ``None`` when
        absent or deleted."""
        found = read_entry(self._by_key.get((group, key), ()), None)
        return None if found is None or found.deleted else found

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str], list[KEntry]]:
        grouped: dict[tuple[str, str], list[KEntry]] = {}
        for entry in self.entries:
            grouped.setdefault((entry.group, entry.key), []).append(entry)
        return grouped

    def lookup(self, group: str, key: str, locale: Optional[str] = None) -> Optional[str]:
        """The value KConfig gives for the key in ``locale`` (``None``: localized entries do not count)."""
        found = read_entry(self._by_key.get((group, key), ()), locale)
        return None if found is None or found.deleted else self.value(found)

    def value(self, entry: Entry) -> str:
        raw = self.tokens[entry.value_index].text
        text = unescape(_read_text(raw, self.dialect), self.dialect)
        return expand(text, self.environment) if isinstance(entry, KEntry) and entry.expand else text

    def written(self, value: str, entry: Optional[Entry] = None) -> str:
        if isinstance(entry, KEntry) and entry.expand:
            value = value.replace("$", "$$")
        return escape(value, self.dialect)

    def targets(self, group: str, key: str) -> list[Entry]:
        """The entry read, and every localized one: a value set for the key holds in every locale."""
        read = self.entry(group, key)
        localized = [e for e in self._by_key.get((group, key), ()) if e.locale is not None and e.value_index >= 0]
        return list(dict.fromkeys(([read] if read is not None else []) + localized))

    def group_names(self) -> list[str]:
        """Every group, once, in the order first seen."""
        return list(dict.fromkeys(name for name, _ in self.groups))

    def keys(self, group: str) -> list[str]:
        return list(dict.fromkeys(e.key for e in self.entries if e.group == group))


def read_entry(entries: tuple[KEntry, ...] | list[KEntry], locale: Optional[str]) -> Optional[KEntry]:
    """The entry KConfig keeps of one key's entries, in file order: a localized one read in ``locale`` wins.

    As ``KEntryMap::setEntry``: an immutable entry is never replaced; a non-localized entry that
    replaces another one drops the localized entry (``locale=None``: only ``key[]`` is read).
    """
    plain: Optional[KEntry] = None
    localized: Optional[KEntry] = None
    for entry in entries:
        if entry.locale is None:
            if plain is not None and plain.immutable:
                continue
            if plain is not None:
                localized = None
            plain = entry
        elif _read_in(entry.locale, locale) and not (localized is not None and localized.immutable):
            localized = entry
    return localized if localized is not None and not localized.deleted else plain


def _read_in(tag: str, locale: Optional[str]) -> bool:
    if not tag:
        return True
    if locale is None:
        return False
    return tag in (locale, locale.split("_")[0]) or (tag.startswith("C") and locale == "en_US")


def parse_kconfig(data: bytes, path: str, dialect: str = KDE4, environment: Optional[Mapping[str, str]] = None,
                  secret_keys: frozenset[str] = frozenset()) -> KConfigFile:
    """The file as tokens (never an error: KConfig skips what it cannot read, and so do we)."""
    text = decode(data)
    tokens: list[Token] = []
    entries: list[KEntry] = []
    groups: list[tuple[str, int]] = []
    group, group_immutable, file_immutable = "<default>", False, False
    for match in _LINE.finditer(text):
        body, newline = match.group(1), match.group(2)
        if not body and not newline:
            break
        if newline and body.endswith("\r"):
            body, newline = body[:-1], "\r\n"
        stripped = body.strip(BLANKS[dialect])
        start = len(tokens)
        if not stripped or stripped.startswith("#"):
            tokens += [Token("OTHER", body)] if body else []
        elif stripped.startswith("["):
            header = _group(_read_text(stripped, dialect), dialect)
            if dialect == KDE4:  # KF5 resets the group's immutability before it reads the header, even one it refuses
                group_immutable = file_immutable
            if header is None:
                tokens.append(Token("OTHER", body))
            elif header[0] is None:  # [$i] alone: every later group is immutable (KDE 4+: this one is named "")
                group = "" if dialect == KDE4 else group
                file_immutable = True
                tokens.append(Token("OTHER", body))
            else:
                group, group_immutable = header[0], header[1] or file_immutable
                groups.append((group, start))
                tokens.append(Token("GROUP", body))
        else:
            found = _entry_tokens(body, stripped, dialect, secret_keys)
            if found is None:
                tokens.append(Token("OTHER", body))
            else:
                line, key, value_at, options = found
                tokens += line
                entries.append(KEntry(group, key, start + value_at if value_at >= 0 else -1, start,
                                      start + len(line) + bool(newline), options["locale"],
                                      options["i"] or group_immutable, options["e"], options["d"]))
        if newline:
            tokens.append(Token("NL", newline))
    return KConfigFile(tuple(tokens), path, tuple(entries), tuple(groups), dialect, dict(environment or {}))


def _read_text(text: str, dialect: str) -> str:
    """The text as KConfig parses it: KF5 opens the file in text mode, which drops every CR."""
    return text.replace("\r", "") if dialect == KDE4 else text


def _group(line: str, dialect: str) -> Optional[tuple[Optional[str], bool]]:
    """A header's group and whether it is immutable; ``(None, True)`` for ``[$i]`` alone; ``None`` if unreadable."""
    if dialect == KDE3:
        match = re.match(r"\[((?:[^\]]|\]\])*)\]", line)
        if match is None:
            return None
        name = match.group(1).replace("[[", "[").replace("]]", "]")
        if name == "$i":
            return None, True
        return ("Desktop Entry" if name == "KDE Desktop Entry" else name), line[match.end():].startswith("[$i")
    parts, immutable, start = [], False, 1
    while True:
        end = line.find("]", start)
        if end < 0:
            return None
        if end + 1 == len(line) and line[start:end] == "$i":
            immutable = True
        else:
            parts.append(unescape(line[start:end], dialect))
        start = end + 2
        if not (start <= len(line) and line[end + 1 : end + 2] == "["):
            break
    return ("\x1d".join(parts), immutable) if parts else (None, True)


def _entry_tokens(body: str, stripped: str, dialect: str, secret_keys: frozenset[str]):
    """An entry line's tokens (the value's position among them, -1 for ``key[$d]`` with no ``=``), its key
    and options; ``None`` for a line KConfig skips."""
    blanks = BLANKS[dialect]
    equals = stripped.find("=")
    raw_key = _read_text((stripped if equals < 0 else stripped[:equals]).strip(blanks), dialect)
    if not raw_key:
        return None
    key, options = raw_key, {"locale": None, "i": False, "e": False, "d": False}
    while "[" in key and not options["d"]:
        start = key.rfind("[")
        end = key.find("]", start)
        if end < 0:
            return None
        if end > start + 1 and key[start + 1] == "$":
            for flag in key[start + 2 : end]:  # in order: a "d" ends the line's reading there
                if flag == "d":
                    options["d"], options["locale"] = True, None  # a deletion is never of a localized entry
                    break
                if flag in "ie":
                    options[flag] = True
        elif options["locale"] is not None:
            return None
        else:
            options["locale"] = key[start + 1 : end]
        key = key[:start]
    if equals < 0 and not options["d"]:
        return None
    key = unescape(key, dialect) if dialect == KDE4 else key.replace("%5b", "[").replace("%5d", "]")
    lead = body[: len(body) - len(body.lstrip(blanks))]
    if equals < 0:
        return [Token("KEY", body)], key, -1, options
    after = stripped[equals + 1 :]
    value = after.strip(blanks)
    before_value = len(after) - len(after.lstrip(blanks))
    key_text = lead + stripped[:equals].rstrip(blanks)
    separator = stripped[len(key_text) - len(lead) : equals + 1] + after[:before_value]
    trail = body[len(key_text) + len(separator) + len(value) :]
    line = [Token("KEY", key_text), Token("EQ", separator), Token("VALUE", value, key in secret_keys)]
    return line + ([Token("WS", trail)] if trail else []), key, 2, options


def unescape(raw: str, dialect: str = KDE4) -> str:
    """What KConfig reads from a value as written (``printableToString``)."""
    if "\\" not in raw:
        return raw
    if dialect == KDE3:
        return re.sub(r"\\(.?)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), raw.strip(_KDE3_VALUE_BLANKS),
                      flags=re.S)
    data, out, i = encode(raw), bytearray(), 0  # \xNN are bytes, which together may be one UTF-8 character
    while i < len(data):
        byte = data[i : i + 1]
        i += 1
        if byte != b"\\":
            out += byte
        elif i == len(data):  # a backslash at the end ends the value, and goes
            break
        elif data[i : i + 1] == b"x":
            if i + 2 < len(data):
                digits = data[i + 1 : i + 3]
                out += bytes([int(digits, 16)]) if re.fullmatch(rb"[0-9A-Fa-f]{2}", digits) else b"x"
                i += 3
            else:  # too short for \xNN: KConfig keeps the x and stops
                out += b"x"
                break
        else:  # \, and \; stay as written; any other unknown escape reads as a backslash alone
            out += {b",": b"\\,", b";": b"\\;"}.get(data[i : i + 1], _BYTE_ESCAPES.get(data[i : i + 1], b"\\"))
            i += 1
    return decode(bytes(out))


def escape(value: str, dialect: str = KDE4) -> str:
    """``value`` as KConfig writes it (``stringToPrintable``): blanks at either end protected as ``\\s``."""
    out = []
    for char in value:
        if char in "\\\n\t\r":
            out.append({"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}[char])
        elif dialect == KDE4 and (ord(char) < 32 or ord(char) == 127 or "\udc80" <= char <= "\udcff"):
            out.append(f"\\x{ord(char) & 0xFF:02x}")
        else:
            out.append(char)
    text = "".join(out)
    if text.startswith(" "):
        text = "\\s" + text[1:]
    if text.endswith(" "):
        text = text[:-1] + "\\s"
    return text


def expand(value: str, environment: Mapping[str, str]) -> str:
    """A ``[$e]`` value as read: ``$$`` is ``$``, a known ``$VAR``/``${VAR}`` its value; unknown ones stay as written."""
    def variable(match: re.Match) -> str:
        name = match.group(1) if match.group(1) is not None else match.group(2)
        return environment.get(name, match.group()) if name else ""

    return "$".join(_VARIABLE.sub(variable, part) for part in value.split("$$"))
