"""Neutral changes made in muttrc syntax: names replaced where they stand, settings added by the folder line.

A name inside a hook command or a macro is replaced inside its word.  Only the
characters of a value that change are written again, each in the quotes it
stands in, so continued lines, escapes and the rest of a hook's command stay
as written.  A setting that must go is commented out when it had its line to
itself, else taken out of its ``set``.
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
from parsers.mutt.lexer import Span
from parsers.mutt.lexer import Word
from parsers.mutt.lexer import spell
from parsers.mutt.references import Ref
from parsers.mutt.references import Setting

_BARE = re.compile(r"[^\s;#\"'\\`$]+")
_CONTROLS = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e", "\f": "\\f"}


def quote(value: str, style: str) -> str:
    """Source text for ``value`` in the quotes of the word it replaces (bare only when safe)."""
    if style == "'" and "'" not in value and not re.search(r"[\r\n]", value):
        return f"'{value}'"
    if style == "" and _BARE.fullmatch(value):
        return value
    escaped = re.sub(r'[\\"$`]', lambda m: "\\" + m.group(), value)
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replace("\x1b", "\\e")
    return f'"{escaped}"'


def _written(text: str, quote_mark: str) -> Optional[str]:
    """``text`` as it must be written at a place inside ``quote_mark`` (``""``: bare), or ``None``
    when those quotes cannot hold it."""
    if quote_mark == "'":
        return None if re.search(r"['\r\n]", text) else text
    special = r'[\\"$`]' if quote_mark == '"' else r"[\s;#\"'\\`$]"

    def one(match: re.Match) -> str:
        char = match.group()
        if char in _CONTROLS:
            return _CONTROLS[char]
        return f"\\{ord(char):03o}" if ord(char) < 32 else "\\" + char

    return re.sub(rf"{special}|[\x00-\x1f]", one, text)


def _trimmed(old: str, new: str) -> tuple[int, int, str]:
    """The part of ``old`` that really changes: (start, end, its new text)."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, len(old) - tail, new[head : len(new) - tail]


def _spliced(source: str, spans: list[Span], start: int, end: int, text: str) -> Optional[str]:
    """``source`` with the value's characters ``start:end`` written as ``text``; ``None`` when
    they cross a quote or the quotes there cannot hold ``text``."""
    if start < end:
        first, last = spans[start], spans[end - 1]
        if first.quote != last.quote:
            return None
        where, mark = (first.start, last.end), first.quote
    elif start > 0:
        where, mark = (spans[start - 1].end, spans[start - 1].end), spans[start - 1].quote
    elif spans:
        where, mark = (spans[0].start, spans[0].start), spans[0].quote
    else:
        return None
    written = _written(text, mark)
    return None if written is None else source[: where[0]] + written + source[where[1] :]


def respell(source: str, splices: dict[tuple[int, int], str]) -> str:
    """The word written ``source`` with parts of its value replaced (``(start, end) -> text``,
    not overlapping), touching only the characters that change."""
    value, spans = spell(source)
    old = value or ""
    new = old
    for (start, end), text in sorted(splices.items(), reverse=True):
        new = new[:start] + text + new[end:]
    written: Optional[str] = source
    for (start, end), text in sorted(splices.items(), reverse=True):
        head, tail, text = _trimmed(old[start:end], text)
        if head == tail and not text or written is None:
            continue
        written = _spliced(written, spans, start + head, start + tail, text)
    if written is None:
        return quote(new, next((span.quote for span in spans if span.quote), ""))
    return written


class MuttRewrite:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.splices: dict[tuple[str, int], dict[tuple[int, int], str]] = defaultdict(dict)
        self.removed: dict[str, set[int]] = defaultdict(set)
        self.commented: dict[str, set[int]] = defaultdict(set)
        self.added: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.dropped: set[tuple[str, int]] = set()  #: (file, first token) of assignments taken out
        self.drops: dict[tuple[str, int], Command] = {}
        self.added_settings: set[str] = set()
        self.migrating: set[str] = set()  #: hosts of the servers being migrated
        self.notes: list[Note] = []

    def replace(self, ref: Ref, new_text: str) -> None:
        """Put ``new_text`` where ``ref`` stands."""
        if new_text == ref.text:
            return
        text = new_text
        if ref.inner_quote is not None:  # a whole word of a hook's command, written inside the outer word
            text = respell((ref.word.value or "")[ref.start : ref.end], {(0, len(ref.text)): new_text})
        self.splices[(ref.file, ref.word.index)][(ref.start, ref.end)] = text

    def set_value(self, file: str, word: Word, value: str) -> None:
        """Give ``word`` a new value; a word mutt builds when it reads it (``$x``, a backtick) is never written."""
        if word.value is not None and word.value != value:
            self.splices[(file, word.index)][(0, len(word.value or ""))] = value

    def rename_command(self, file: str, command: Command, name: str) -> None:
        self.set_value(file, Word(command.first, command.name, ""), name)

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
            edits.append(Edit(index, index + 1, respell(muttrc.tokens[index].text, splices)))
        removed = sorted(self.removed[name])
        edits += [Edit(i, i + 1, "") for i in removed]
        for (file, end), lines in self.added.items():  # new lines first: a comment mark belongs to the line after
            if file == name:
                newline = _newline_before(muttrc, end)
                lead = newline if end == len(muttrc.tokens) and not muttrc.render().endswith("\n") else ""
                edits.append(Edit(end, end, lead + "".join(line + newline for line in lines)))
        for start in self.commented[name]:
            edits.append(Edit(start, start, "# "))
        return _merge(edits)


def _newline_before(muttrc: MuttFile, end: int) -> str:
    """The line ending of the line a new line follows (mutt ends lines only at LF; a lone CR is a space)."""
    ending = muttrc.tokens[end - 1] if end else None
    if ending is not None and ending.kind == "NL":
        return ending.text
    return "\r\n" if muttrc.newline == "\r\n" else "\n"


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
