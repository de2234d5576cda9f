"""Edits of ``prefs.js`` and ``user.js``, statement by statement.

A value is replaced inside its statement; a removed statement takes its line
with it when it had the line to itself; a new statement goes where
Thunderbird itself would write it (the files are sorted line by line), in the
file's own line ending.  A key that ``user.js`` sets is changed there too, or
the next start would undo the migration.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Callable
from typing import Optional

from migrate.document import Document
from migrate.document import Edit
from parsers.thunderbird.pref_indexes import NumberIndex
from parsers.thunderbird.pref_indexes import Server
from parsers.thunderbird.pref_indexes import UriIndex
from parsers.thunderbird.prefs import Pref
from parsers.thunderbird.prefs import PrefsFile
from parsers.thunderbird.prefs import Value
from parsers.thunderbird.prefs_lexer import escape
from parsers.thunderbird.profile import Profile


def literal(value: Value, like: str = '"') -> str:
    """Source text for ``value``; a string takes the quote of the literal it replaces."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else escape(value, "'" if like.startswith("'") else '"')


class PrefsEditor:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.sources = [source for source in (profile.prefs, profile.user) if source is not None]
        self.values: dict[tuple[str, int], str] = {}  #: (file, statement first token) -> new literal
        self.removed: set[tuple[str, int]] = set()
        self.added: dict[str, Value] = {}
        self.written: dict[str, Value] = {}  #: every value set, for later reads and conflict checks
        self._uris: Optional[UriIndex] = None  #: built when an account's folders first move
        added = self.added  # not ``self``: the editor is garbage as soon as it is done with, without a cycle to collect
        self._numbers = NumberIndex(lambda prefix: [*profile.names_under(prefix), *(n for n in added if n.startswith(prefix))])
        self._lists: dict[str, list[str]] = {}  #: see ``set_keys``

    def get(self, name: str) -> Optional[Value]:
        if name in self._lists:
            self.set(name, ",".join(self._lists.pop(name)))
        return self.written[name] if name in self.written else self.profile.value(name)

    def keys(self, name: str) -> list[str]:
        """A comma-separated list of keys as it stands now (``mail.accountmanager.accounts``)."""
        if name in self._lists:
            return list(self._lists[name])
        return [key.strip() for key in str(self.get(name) or "").split(",") if key.strip()]

    def set_keys(self, name: str, keys: list[str]) -> None:
        """Give a list of keys (the list is the editor's from then on).  A list that has a value already is
        written out when it is next read as one, or the files are made: the account list, one key longer
        for each of many accounts, is not written out each time."""
        if name in self._lists or self.get(name) is not None:
            self._lists[name] = keys
        else:
            self.set(name, ",".join(keys))

    def set(self, name: str, value: Value) -> None:
        """Give ``name`` the value, in every statement that sets it; a new statement if none does."""
        current = self.get(name)
        if current == value and type(current) is type(value):
            return
        if self._uris is not None:
            self._uris.discard(name, current)
            self._uris.add(name, value)
        self.written[name] = value
        found = False
        for source in self.sources:
            for pref in source.statements(name):
                old = source.tokens[pref.value_first].text
                self.values[(source.path, pref.first)] = literal(value, old)
                self.removed.discard((source.path, pref.first))
                found = True
        if not found:
            if name not in self.added:
                self._numbers.add(name)
            self.added[name] = value

    def remove(self, name: str) -> None:
        self._lists.pop(name, None)
        if self._uris is not None:
            self._uris.discard(name, self.get(name))
        self.written.pop(name, None)
        if name in self.added:
            del self.added[name]
            self._numbers.remove(name)
        for source in self.sources:
            self.removed.update((source.path, pref.first) for pref in source.statements(name))
        if self._uris is not None:
            self._uris.add(name, self.get(name))

    def move_uris(self, server: Server, move: Callable[[str], Optional[str]]) -> None:
        """Give every string pref that is a folder URI on ``server`` ``move(value)``."""
        if self._uris is None:
            self._uris = UriIndex()
            for name in {*self.profile.names, *self.added}:
                self._uris.add(name, self.get(name))
        for name in self._uris.on(server):
            new = move(str(self.get(name)))
            if new is not None and new != self.get(name):
                self.set(name, new)

    def unused(self, prefix: str, start: int = 1) -> str:
        """The first ``<prefix>N`` from ``start`` that no pref names, added ones included (orphaned keys would
        be inherited): ``mail.server.server`` -> ``server4``."""
        return self._numbers.first_unused(prefix, start)

    def documents(self) -> dict[str, Document]:
        for name in list(self._lists):
            self.get(name)
        return {source.path: source.apply(self._edits(source)) for source in self.sources}

    def _edits(self, source: PrefsFile) -> list[Edit]:
        edits = []
        for pref in source.prefs:
            if (source.path, pref.first) in self.removed:
                edits.append(_removal(source, pref))
            elif (source.path, pref.first) in self.values:
                edits.append(Edit(pref.value_first, pref.value_last + 1, self.values[(source.path, pref.first)]))
        if source is self.profile.prefs:
            edits += _insertions(source, self.added)
        return edits


def _removal(source: PrefsFile, pref: Pref) -> Edit:
    tokens = source.tokens
    start, end = pref.first, pref.last + 1
    line_start = start == 0 or tokens[start - 1].kind == "WS" and tokens[start - 1].text.endswith(("\n", "\r"))
    if line_start and end < len(tokens) and tokens[end].kind == "WS" and tokens[end].text[:1] in "\r\n":
        newline = "\r\n" if tokens[end].text.startswith("\r\n") else tokens[end].text[0]
        rest = tokens[end].text[len(newline) :]
        return Edit(start, end + 1, rest)  # the line goes; blank lines after it stay
    return Edit(start, end, "")


def _insertions(source: PrefsFile, added: dict[str, Value]) -> list[Edit]:
    """New statements at their sorted place among the existing ones (Thunderbird sorts by line)."""
    if not added:
        return []
    newline = source.newline
    lines = [f"user_pref({escape(name)}, {literal(value)});" for name, value in added.items()]
    ordered = sorted((source.render_range(p.first, p.last + 1), p.first) for p in source.prefs)
    texts, end = [text for text, _ in ordered], len(source.tokens)
    at: dict[int, list[str]] = defaultdict(list)
    for line in sorted(lines):
        place = bisect.bisect_right(texts, line)
        at[ordered[place][1] if place < len(ordered) else end].append(line)
    text = source.render()
    unended = text and not text.endswith(("\n", "\r"))  # a last line without its line end
    return [Edit(position, position, (newline if position == end and unended else "") + newline.join(group) + newline)
            for position, group in at.items()]
