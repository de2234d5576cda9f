"""A mutt setup: the muttrc and every file it ``source``s, read in mutt's order.

``source`` is followed inside the home only: ``~/x`` from the home, a relative
name from the sourcing file's folder (NeoMutt's rule; mutt's is the working
directory, which is the home when mutt is started there).  A source that is a
command (``...|``) or made by a backtick is never run: it is reported.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import PurePosixPath
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import FileDocument
from migrate.document import decode
from migrate.model import Note
from migrate.plugins import Read
from parsers.mutt.lexer import Command
from parsers.mutt.lexer import tokenize
from parsers.mutt.urls import parse_url

#: Where a main config sits below the home.
_MAIN_DEPTHS = {".muttrc": 1, ".neomuttrc": 1, ".mutt": 2, ".neomutt": 2, "mutt": 3, "neomutt": 3}
SECRET_VARIABLES = frozenset({"imap_pass", "pop_pass", "smtp_pass", "imap_oauth_refresh_command"})


@dataclasses.dataclass(frozen=True)
class MuttFile(FileDocument):
    commands: tuple[Command, ...] = ()


@dataclasses.dataclass(frozen=True)
class Setup:
    main: str
    home: str
    muttrcs: dict[str, MuttFile]  #: in the order mutt first reads them
    order: tuple[tuple[str, int], ...]  #: (file, command number) as mutt runs them
    notes: tuple[Note, ...]

    @property
    def files(self) -> dict[str, Document]:
        return dict(self.muttrcs)


def parse_muttrc(data: bytes, path: str) -> MuttFile:
    tokens, commands = tokenize(decode(data))
    secret = set(_secret_words(commands))
    return MuttFile(tuple(t._replace(secret=i in secret) for i, t in enumerate(tokens)), path, tuple(commands))


def _secret_words(commands: list[Command]) -> Iterator[int]:
    """Words that hold a password: a ``*_pass`` value, a URL with one, a hook command that sets one."""
    for command in commands:
        for assignment in command.assignments:
            if assignment.value is not None and assignment.name in SECRET_VARIABLES:
                yield assignment.value.index
        for word in (*command.args, *(a.value for a in command.assignments if a.value is not None)):
            url = parse_url(word.value or "")
            if url is not None and url.password:
                yield word.index
            elif word in command.args and word.value and any(name in word.value for name in SECRET_VARIABLES):
                _, inner = tokenize(word.value)
                if any(True for _ in _secret_words(inner)):
                    yield word.index


def home_of(main: str) -> str:
    path = PurePosixPath(main)
    parent = path.parent
    depth = _MAIN_DEPTHS.get(path.name, 0) or _MAIN_DEPTHS.get(parent.name, 1)
    for _ in range(depth - 1):
        parent = parent.parent
    return str(parent)


def load(read: Read, main: str) -> Optional[Setup]:
    home = home_of(main)
    muttrcs: dict[str, MuttFile] = {}
    order: list[tuple[str, int]] = []
    notes: list[Note] = []

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in stack:
            notes.append(Note("", "mutt", f"{name}: sourced in a loop; read once"))
            return
        data = read(name)
        if data is None:
            notes.append(Note("", "mutt", f"{name}: sourced but not found"))
            return
        muttrc = muttrcs.setdefault(name, parse_muttrc(data, name))
        for number, command in enumerate(muttrc.commands):
            order.append((name, number))
            if command.name == "source":
                for word in command.args:
                    target = _resolve(word.value, name, home)
                    if target is None:
                        shown = muttrc.tokens[word.index].text
                        notes.append(Note("", "mutt", f"{name}: source {shown} not followed (a command, or outside the home)"))
                    else:
                        visit(target, (*stack, name))

    if read(main) is None:
        return None
    visit(main, ())
    return Setup(main, home, muttrcs, tuple(order), tuple(notes))


def _resolve(value: Optional[str], sourcing: str, home: str) -> Optional[str]:
    if value is None or value.rstrip().endswith("|") or not value:
        return None
    if value == "~" or value.startswith("~/"):
        path = home + value[1:]
    elif value.startswith("~"):
        return None
    else:
        path = os.path.join(os.path.dirname(sourcing), value)
    path = os.path.normpath(path)
    return path if path.startswith(os.path.normpath(home) + "/") else None
