"""A mutt setup: the muttrc and every file it ``source``s, read in mutt's order.

``source`` is followed where ``parsers.mutt.home`` allows: ``~/x`` and
``$HOME/x`` from the home, a relative name from the sourcing file's folder
(NeoMutt's rule; mutt's is the working directory, which is the home when mutt
is started there).  A source that is a command (``...|``), made by a backtick
or from another variable, or outside the home, is never read: it is reported.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Iterator
from typing import Optional

from migrate.document import Document
from migrate.document import FileDocument
from migrate.document import decode
from migrate.model import Note
from migrate.plugins import Read
from parsers.mutt.home import Home
from parsers.mutt.home import find_home
from parsers.mutt.home import is_inside
from parsers.mutt.lexer import Command
from parsers.mutt.lexer import expand
from parsers.mutt.lexer import tokenize
from parsers.mutt.urls import parse_url

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
        words = (*command.args, *(a.value for a in command.assignments if a.value is not None))
        for number, word in enumerate(words):
            url = parse_url(word.value or "")
            if url is not None and url.password:
                yield word.index
            elif number < len(command.args) and word.value and any(name in word.value for name in SECRET_VARIABLES):
                _, inner = tokenize(word.value)
                if any(True for _ in _secret_words(inner)):
                    yield word.index


def load(read: Read, main: str) -> Optional[Setup]:
    home = find_home(read, main)
    muttrcs: dict[str, MuttFile] = {}
    order: list[tuple[str, int]] = []
    notes: list[Note] = []

    def visit(name: str, data: bytes, stack: tuple[str, ...]) -> None:
        muttrc = muttrcs.setdefault(name, parse_muttrc(data, name))
        for number, command in enumerate(muttrc.commands):
            order.append((name, number))
            if command.name != "source":
                continue
            for word in command.args:
                shown = muttrc.tokens[word.index].text
                target, why_not = _resolve(shown, name, home)
                sourced = None if target is None or target in (*stack, name) else read(target)
                if target is None:
                    notes.append(Note("", "mutt", f"{name}: source {shown} not followed ({why_not})"))
                elif target in (*stack, name):
                    notes.append(Note("", "mutt", f"{name}: source {shown} sources a file again; read once"))
                elif sourced is None:
                    notes.append(Note("", "mutt", f"{target}: sourced but not found ({name}: source {shown})"))
                else:
                    visit(target, sourced, (*stack, name))

    main_data = read(main)
    if main_data is None:
        return None
    visit(main, main_data, ())
    return Setup(main, home.path, muttrcs, tuple(order), tuple(notes))


def _resolve(written: str, sourcing: str, home: Home) -> tuple[Optional[str], str]:
    """The file a ``source`` argument names, or ``None`` and why it is not read."""
    value = expand(written, {"HOME": home.path})
    if value is None:
        return None, "made by a command or from a variable; check it by hand"
    if value.rstrip().endswith("|"):
        return None, "a command; its output is not read"
    if not value:
        return None, "an empty name"
    if value == "~" or value.startswith("~/"):
        path = home.path + value[1:]
    elif value.startswith("~"):
        return None, "another person's home"
    else:
        path = os.path.join(os.path.dirname(sourcing), value)
    path = os.path.normpath(path)
    if not any(is_inside(path, folder) for folder in home.within):
        return None, f"outside the home {home.path}"
    return path, ""
