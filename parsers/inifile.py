"""Line-based INI files kept byte for byte: ``[group]`` headers, ``key=value`` entries, any other line as it stands.

Each format brings its grammar: GLib key files (``evolution/keyfile.py``) and KDE's KConfig
(``kmail/kconfig.py``) tokenize their lines, escape their values and say which of two
entries of a key their program reads.  What they share is here: the index of groups and
entries over the tokens, and the editor that sets values, adds keys and groups, and takes
lines out, leaving every other byte as it was.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Optional

from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token


@dataclasses.dataclass(frozen=True)
class Entry:
    group: str
    key: str
    value_index: int  #: its VALUE token (-1: a line with no value, such as KConfig's ``key[$d]``)
    line_start: int  #: the first token of its line
    line_end: int  #: the token after its line


@dataclasses.dataclass(frozen=True)
class IniFile(FileDocument):
    entries: tuple[Entry, ...] = ()
    groups: tuple[tuple[str, int], ...] = ()  #: (name, token index of its header), in file order

    def entry(self, group: str, key: str) -> Optional[Entry]:
        """The entry the program reads for ``key`` of ``group``: the last one, unless the grammar says otherwise."""
        return self._last.get((group, key))

    @functools.cached_property
    def _last(self) -> dict[tuple[str, str], Entry]:
        return {(entry.group, entry.key): entry for entry in self.entries}

    def get(self, group: str, key: str) -> Optional[str]:
        entry = self.entry(group, key)
        return self.value(entry) if entry is not None else None

    def has_group(self, group: str) -> bool:
        return any(name == group for name, _ in self.groups)

    def value(self, entry: Entry) -> str:
        """What the program reads from the entry's value as written."""
        raise NotImplementedError

    def written(self, value: str, entry: Optional[Entry] = None) -> str:
        """``value`` as the grammar writes it, into ``entry`` (``None``: on a new line)."""
        raise NotImplementedError

    def targets(self, group: str, key: str) -> list[Entry]:
        """The entries whose values a new value of ``key`` goes into (a line is added when none is read)."""
        entry = self.entry(group, key)
        return [entry] if entry is not None else []

    def header(self, group: str) -> str:
        return f"[{group}]"


class IniEditor:
    """Edits of one file: set a key (in place, else added to its group, else in a new group at the end),
    take a key's lines out, drop a group, rewrite a header."""

    def __init__(self, document: IniFile) -> None:
        self.file = document
        self.values: dict[int, str] = {}
        self.added: dict[str, dict[str, str]] = {}
        self.removed: set[int] = set()  #: entries by their line's first token
        self.dropped_groups: set[str] = set()
        self.headers: dict[int, str] = {}

    def set(self, group: str, key: str, value: str) -> None:
        dropped = group in self.dropped_groups
        for entry in [] if dropped else self.file.targets(group, key):
            self.set_entry(entry, value)
        if dropped or self.file.entry(group, key) is None:
            self.added.setdefault(group, {})[key] = value

    def set_entry(self, entry: Entry, value: str) -> None:
        """The value of this very entry (also one the program does not read, such as an earlier duplicate)."""
        if self.file.value(entry) != value:
            self.values[entry.value_index] = self.file.written(value, entry)

    def remove(self, group: str, key: str) -> None:
        """Every line of ``key`` in ``group``, whatever the program would read of them."""
        self.removed |= {e.line_start for e in self.file.entries if e.group == group and e.key == key}
        self.added.get(group, {}).pop(key, None)

    def drop_group(self, group: str) -> None:
        self.dropped_groups.add(group)

    def rename(self, header_index: int, text: str) -> None:
        """The header line at ``header_index`` becomes ``text``."""
        self.headers[header_index] = text

    def document(self) -> IniFile:
        document, tokens = self.file, self.file.tokens
        newline = "\r\n" if any(t.text == "\r\n" for t in tokens) else "\n"
        lines = {e.line_start: e.line_end for e in document.entries if e.line_start in self.removed}
        edits = [Edit(start, end, "") for start, end in lines.items()]
        edits += [Edit(i, i + 1, text) for i, text in self.values.items()
                  if not any(start <= i < end for start, end in lines.items())]
        edits += [Edit(i, i + 1, text) for i, text in self.headers.items()]
        bounds = self._group_bounds()
        for group in self.dropped_groups:
            if group in bounds:
                start, end = bounds[group]
                edits.append(Edit(start, end, ""))
        tail = []
        for group, keys in self.added.items():
            if not keys:
                continue
            added = "".join(f"{key}={document.written(value)}{newline}" for key, value in keys.items())
            if group in bounds and group not in self.dropped_groups:
                at = self._after_last_entry(group)
                edits.append(Edit(at, at, ("" if tokens[at - 1].kind == "NL" else newline) + added))
            else:
                tail.append(f"{newline}{document.header(group)}{newline}{added}")
        if tail:
            lead = newline if tokens and tokens[-1].kind != "NL" else ""
            edits.append(Edit(len(tokens), len(tokens), lead + "".join(tail)))
        return dataclasses.replace(document, tokens=document.apply(_merged(edits)).tokens)

    def _group_bounds(self) -> dict[str, tuple[int, int]]:
        """Token span of each group: its header up to the next one's comments (the last group: with
        the blank lines before it), so that dropping it leaves the rest as it was."""
        headers, tokens = list(self.file.groups), self.file.tokens
        bounds = {}
        for number, (name, start) in enumerate(headers):
            if number + 1 < len(headers):
                end = headers[number + 1][1]
                while end - 2 > start and tokens[end - 1].kind == "NL" and _is_comment(tokens[end - 2]):
                    end -= 2  # comments right above a header are that group's, as GKeyFile reads them
                bounds[name] = (start, end)
                continue
            while start >= 2 and tokens[start - 1].kind == "NL" and tokens[start - 2].kind == "NL":
                start -= 1
            bounds[name] = (start, len(tokens))
        return bounds

    def _after_last_entry(self, group: str) -> int:
        """Where a new key of ``group`` goes: after its last entry, else after its (last) header's line."""
        ends = [e.line_end for e in self.file.entries if e.group == group]
        if ends:
            return max(ends)
        header, tokens = dict(self.file.groups)[group], self.file.tokens
        return header + 2 if header + 1 < len(tokens) and tokens[header + 1].kind == "NL" else header + 1


def _is_comment(token: Token) -> bool:
    return token.kind == "OTHER" and token.text.lstrip().startswith("#")


def _merged(edits: list[Edit]) -> list[Edit]:
    merged: dict[tuple[int, int], str] = {}
    for edit in edits:
        merged[(edit.start, edit.end)] = merged.get((edit.start, edit.end), "") + edit.text
    return [Edit(a, b, text) for (a, b), text in merged.items()]
