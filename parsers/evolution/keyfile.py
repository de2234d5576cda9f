"""GLib key files (``*.source``), line by line: ``[Group]``, ``Key=value``, ``#`` comments.

Values keep their bytes; what we write is escaped as ``g_key_file_set_string``
does (``\\n \\r \\\\`` always, ``\\s``/``\\t`` for a leading blank).
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Edit
from migrate.document import Token
from migrate.document import decode

_LINE = re.compile(r"([^\n]*)(\n|$)")
_ENTRY = re.compile(r"([A-Za-z0-9-]+(?:\[[^\]]*\])?)([ \t]*=[ \t]*)(.*)")
_UNESCAPE = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


@dataclasses.dataclass(frozen=True)
class Entry:
    group: str
    key: str
    value_index: int  #: its VALUE token
    line_end: int  #: the token after its line


@dataclasses.dataclass(frozen=True)
class KeyFile(FileDocument):
    entries: tuple[Entry, ...] = ()
    groups: tuple[tuple[str, int], ...] = ()  #: (name, token index of its header)

    def entry(self, group: str, key: str) -> Optional[Entry]:
        """The entry GKeyFile reads for ``key`` of ``group``: the last one."""
        return self._last.get((group, key))

    @functools.cached_property
    def _last(self) -> dict[tuple[str, str], Entry]:
        return {(entry.group, entry.key): entry for entry in self.entries}

    def get(self, group: str, key: str) -> Optional[str]:
        entry = self.entry(group, key)
        return unescape(self.tokens[entry.value_index].text) if entry else None

    def has_group(self, group: str) -> bool:
        return any(name == group for name, _ in self.groups)


def parse_keyfile(data: bytes, path: str) -> KeyFile:
    text = decode(data)
    tokens: list[Token] = []
    entries: list[Entry] = []
    groups: list[tuple[str, int]] = []
    group = ""
    for match in _LINE.finditer(text):
        body, end = match.group(1), match.group(2)
        if not body and not end:
            break
        stripped = body.strip()
        entry = _ENTRY.fullmatch(body) if stripped and not stripped.startswith(("#", "[")) else None
        if stripped.startswith("[") and stripped.endswith("]"):
            group = stripped[1:-1]
            groups.append((group, len(tokens)))
            tokens.append(Token("GROUP", body))
        elif entry is not None:
            tokens += [Token("KEY", entry.group(1)), Token("EQ", entry.group(2))]
            value_index = len(tokens)
            tokens.append(Token("VALUE", entry.group(3)))
            entries.append(Entry(group, entry.group(1), value_index, value_index + 1 + bool(end)))
        elif body:
            tokens.append(Token("OTHER", body))
        if end:
            tokens.append(Token("NL", end))
    return KeyFile(tuple(tokens), path, tuple(entries), tuple(groups))


def unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), "\\" + m.group(1)), raw)


def escape(value: str) -> str:
    body = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    lead = len(body) - len(body.lstrip(" \t"))
    return body[:lead].replace(" ", "\\s").replace("\t", "\\t") + body[lead:]


class KeyFileEditor:
    """Edits of one key file: set a key (added to its group, or a new group at the end), drop a group."""

    def __init__(self, keyfile: KeyFile) -> None:
        self.keyfile = keyfile
        self.values: dict[int, str] = {}
        self.added: dict[str, dict[str, str]] = {}
        self.dropped_groups: set[str] = set()

    def set(self, group: str, key: str, value: str) -> None:
        entry = self.keyfile.entry(group, key)
        if entry is not None and group not in self.dropped_groups:
            if self.keyfile.get(group, key) != value:
                self.values[entry.value_index] = escape(value)
        else:
            self.added.setdefault(group, {})[key] = value

    def drop_group(self, group: str) -> None:
        self.dropped_groups.add(group)

    def document(self) -> KeyFile:
        keyfile, tokens = self.keyfile, self.keyfile.tokens
        newline = "\r\n" if any(t.text == "\r\n" for t in tokens) else "\n"
        edits = [Edit(i, i + 1, text) for i, text in self.values.items()]
        bounds = self._group_bounds()
        for group in self.dropped_groups:
            if group in bounds:
                start, end = bounds[group]
                edits.append(Edit(start, end, ""))
        tail = []
        for group, keys in self.added.items():
            lines = "".join(f"{key}={escape(value)}{newline}" for key, value in keys.items())
            if group in bounds and group not in self.dropped_groups:
                at = self._after_last_entry(group)
                edits.append(Edit(at, at, ("" if tokens[at - 1].kind == "NL" else newline) + lines))
            else:
                tail.append(f"{newline}[{group}]{newline}{lines}")
        if tail:
            lead = newline if tokens and tokens[-1].kind != "NL" else ""
            edits.append(Edit(len(tokens), len(tokens), lead + "".join(tail)))
        return dataclasses.replace(keyfile, tokens=keyfile.apply(_merged(edits)).tokens)

    def _group_bounds(self) -> dict[str, tuple[int, int]]:
        """Token span of each group: its header up to the next one's comments (the last group: with
        the blank lines before it), so that dropping it leaves the rest as it was."""
        headers, tokens = list(self.keyfile.groups), self.keyfile.tokens
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
        """Where a new key of ``group`` goes: after its last entry, else after its header's line."""
        ends = [e.line_end for e in self.keyfile.entries if e.group == group]
        if ends:
            return max(ends)
        header, tokens = dict(self.keyfile.groups)[group], self.keyfile.tokens
        return header + 2 if header + 1 < len(tokens) and tokens[header + 1].kind == "NL" else header + 1


def _is_comment(token: Token) -> bool:
    return token.kind == "OTHER" and token.text.lstrip().startswith("#")


def _merged(edits: list[Edit]) -> list[Edit]:
    merged: dict[tuple[int, int], str] = {}
    for edit in edits:
        merged[(edit.start, edit.end)] = merged.get((edit.start, edit.end), "") + edit.text
    return [Edit(a, b, text) for (a, b), text in merged.items()]
