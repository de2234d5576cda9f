"""Neutral changes made in muttrc syntax: names replaced where they stand, settings added by the folder line.

A name inside a hook command or a macro is replaced inside its word, which is
then written back in its own quotes.  A setting that must go is commented out
when it had its line to itself, else taken out of its ``set``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Optional

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Note
from parsers.mutt.config import MuttFile
from parsers.mutt.config import Setup
from parsers.mutt.lexer import Command
from parsers.mutt.lexer import Word
from parsers.mutt.references import Ref
from parsers.mutt.references import Setting

_BARE = re.compile(r"[^\s;#\"'\\`$]+")


def quote(value: str, style: str) -> str:
    """Source text for ``value`` in the quotes of the word it replaces (bare only when safe)."""
    if style == "'" and "'" not in value and not re.search(r"[\r\n]", value):
        return f"'{value}'"
    if style == "" and _BARE.fullmatch(value):
        return value
    escaped = re.sub(r'[\\"$`]', lambda m: "\\" + m.group(), value)
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\x1b", "\\e")
    return f'"{escaped}"'


class MuttRewrite:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.splices: dict[tuple[str, int], dict[tuple[int, int], str]] = defaultdict(dict)
        self.words: dict[tuple[str, int], Word] = {}
        self.removed: dict[str, set[int]] = defaultdict(set)
        self.commented: dict[str, set[int]] = defaultdict(set)
        self.added: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.dropped: set[tuple[str, int]] = set()  #: (file, first token) of assignments taken out
        self.drops: dict[tuple[str, int], Command] = {}
        self.added_settings: set[str] = set()
        self.notes: list[Note] = []

    def replace(self, ref: Ref, new_text: str) -> None:
        """Put ``new_text`` where ``ref`` stands."""
        if new_text == ref.text:
            return
        text = quote(new_text, ref.inner_quote) if ref.inner_quote is not None else new_text
        self.splices[(ref.file, ref.word.index)][(ref.start, ref.end)] = text
        self.words[(ref.file, ref.word.index)] = ref.word

    def set_value(self, file: str, word: Word, value: str) -> None:
        if word.value != value:
            self.splices[(file, word.index)][(0, len(word.value or ""))] = value
            self.words[(file, word.index)] = word

    def drop(self, setting: Setting) -> None:
        """Take an assignment out: the line is commented out when nothing else is left on it."""
        self.dropped.add((setting.file, setting.assignment.first))
        self.drops.setdefault((setting.file, setting.command.first), setting.command)

    def _settle_drops(self, name: str, muttrc: MuttFile) -> None:
        for (file, _), command in self.drops.items():
            if file != name:
                continue
            start, end = _line(muttrc, command)
            alone = all(t.kind in ("WS", "COMMENT", "NL") or command.first <= i <= command.last
                        for i, t in enumerate(muttrc.tokens[start:end], start))
            gone = [a for a in command.assignments if (file, a.first) in self.dropped]
            if alone and len(gone) == len(command.assignments):
                self.commented[file].add(start)
                continue
            for assignment in gone:
                first = assignment.first - 1 if muttrc.tokens[assignment.first - 1].kind == "WS" else assignment.first
                self.removed[file].update(range(first, assignment.last + 1))

    def comment_out(self, file: str, command: Command) -> None:
        self.commented[file].add(_line(self.setup.muttrcs[file], command)[0])

    def add_after(self, file: str, command: Command, line: str) -> None:
        """A new line after the line of ``command``, in the file's own line ending."""
        muttrc = self.setup.muttrcs[file]
        _, end = _line(muttrc, command)
        if line not in self.added[(file, end)]:
            self.added[(file, end)].append(line)

    def documents(self) -> dict[str, Document]:
        return {name: muttrc.apply(self._edits(name, muttrc)) for name, muttrc in self.setup.muttrcs.items()}

    def _edits(self, name: str, muttrc: MuttFile) -> list[Edit]:
        self._settle_drops(name, muttrc)
        edits = []
        for (file, index), splices in self.splices.items():
            if file != name or index in self.removed[name]:
                continue
            word = self.words[(file, index)]
            value = word.value or ""
            for (start, end), text in sorted(splices.items(), reverse=True):
                value = value[:start] + text + value[end:]
            edits.append(Edit(index, index + 1, quote(value, word.quote)))
        removed = sorted(self.removed[name])
        edits += [Edit(i, i + 1, "") for i in removed]
        newline = muttrc.newline
        for (file, end), lines in self.added.items():  # new lines first: a comment mark belongs to the line after
            if file == name:
                lead = newline if end == len(muttrc.tokens) and not muttrc.render().endswith("\n") else ""
                edits.append(Edit(end, end, lead + "".join(line + newline for line in lines)))
        for start in self.commented[name]:
            edits.append(Edit(start, start, "# "))
        return _merge(edits)


def _merge(edits: list[Edit]) -> list[Edit]:
    """Insertions at one place, and a comment mark at a line start, become one edit."""
    merged: dict[tuple[int, int], str] = {}
    for edit in edits:
        key = (edit.start, edit.end)
        merged[key] = merged.get(key, "") + edit.text if edit.start == edit.end else edit.text
    return [Edit(start, end, text) for (start, end), text in merged.items()]


def _line(muttrc: MuttFile, command: Command) -> tuple[int, int]:
    """Token span of the physical line(s) of ``command``, its line ending included."""
    tokens = muttrc.tokens
    start = command.first
    while start > 0 and tokens[start - 1].kind != "NL":
        start -= 1
    end = command.last + 1
    while end < len(tokens) and tokens[end].kind != "NL":
        end += 1
    return start, min(end + 1, len(tokens))


def folder_setting(found_settings: dict[str, list[Setting]], host: str) -> Optional[Setting]:
    """The last global ``set folder`` that names ``host``, where new settings go after."""
    for setting in reversed(found_settings.get("folder", [])):
        value = setting.assignment.value
        if value is not None and host in (value.value or "").lower():
            return setting
    return None
