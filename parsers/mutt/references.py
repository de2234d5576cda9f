"""Where a setup names servers and folders, found by running its commands in mutt's order.

``=x``/``+x`` names are read against ``$folder`` as it is at that point (mutt
expands them when the line is read).  Hook commands and macros are muttrc
text inside a word: the names in them are found too, with their place inside
that word, so that a rewrite touches only them.
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from typing import Callable
from typing import Iterable
from typing import Iterator
from typing import NamedTuple
from typing import Optional

from migrate.model import Note
from parsers.mutt.config import Setup
from parsers.mutt.lexer import Assignment
from parsers.mutt.lexer import Command
from parsers.mutt.lexer import Word
from parsers.mutt.lexer import tokenize
from parsers.mutt.urls import Url
from parsers.mutt.urls import parse_url

#: Variables whose value names a server, or a mailbox that may be on one.
SERVER_VARIABLES = frozenset({"pop_host", "folder", "spoolfile", "spool_file", "smtp_url"})
PATH_VARIABLES = frozenset({"folder", "spoolfile", "spool_file", "record", "postponed", "trash", "mbox", "smtp_url"})
MAILBOX_COMMANDS = frozenset({"mailboxes", "unmailboxes", "subscribe-to", "unsubscribe-from", "sidebar_whitelist",
                              "unsidebar_whitelist"})
MAILBOX_HOOKS = frozenset({"fcc-hook", "save-hook", "fcc-save-hook", "mbox-hook"})
COMMAND_HOOKS = frozenset({"folder-hook", "account-hook", "send-hook", "send2-hook", "reply-hook", "message-hook"})
_MACRO_FOLDER = re.compile(
    r"<(?:change-folder(?:-readonly)?|save-message|copy-message|decode-save|decode-copy)>"
    r"([=+][^<\r\n]*?|(?:imaps?|pops?)://[^<\r\n]*?)(?=<enter>|<return>|\r|\n|\^M|\^J|$)", re.I)


@dataclasses.dataclass(frozen=True)
class Ref:
    """One server or folder name, and where its text is."""

    file: str
    word: Word  #: the word of the file that holds it
    start: int  #: its span in that word's value
    end: int
    inner_quote: Optional[str]  #: inside a hook command: the quote of its own word there
    text: str  #: the name as mutt reads it
    context: str  #: the variable or command it belongs to
    url: Optional[Url]  #: when ``text`` is a URL
    base: Optional[Url]  #: for ``=``/``+`` names: ``$folder`` at that point, when it is a URL
    pattern: bool = False  #: a hook's regular expression
    owner: Optional[str] = None  #: for a setting inside a hook: the host its pattern names
    at: int = 0  #: the place of its command in mutt's order
    folder: Optional[str] = None  #: for ``=``/``+`` names: ``$folder`` at that point as written
    folder_at: int = -1  #: where that ``$folder`` was set in mutt's order (-1: mutt's default)
    #: expanded when it runs (a macro, a hook command that did not set its own ``$folder``), against the last ``$folder``
    runtime: bool = False

    @property
    def server(self) -> Optional[Url]:
        return self.url or self.base

    @property
    def mailbox(self) -> Optional[str]:
        """The server-side name it stands for; ``""`` is INBOX."""
        if self.url is not None:
            return self.url.path or "" if self.url.scheme.startswith("imap") else None
        if self.base is None:
            return None
        base, name = self.base.path or "", self.text[1:]
        return base + name if not base or base.endswith(("/", ".")) or not name else f"{base}/{name}"


@dataclasses.dataclass(frozen=True)
class Setting:
    file: str
    command: Command
    assignment: Assignment
    at: int = 0  #: the place of its command in mutt's order


@dataclasses.dataclass
class Folder:
    """``$folder`` as mutt has it at one point of the setup."""

    url: Optional[Url] = None  #: when it is a server's
    local: Optional[str] = "~/Mail"  #: when it is a local folder (mutt's default), as written
    written: Optional[str] = "~/Mail"  #: its value as written, server's or local
    own: bool = False  #: set by the hook command being read
    at: int = -1  #: the place in mutt's order of the command that set it; -1: mutt's default

    def assign(self, value: Optional[str], at: int) -> None:
        self.url, self.written, self.at = parse_url(value or ""), value, at
        self.local = value if self.url is None and value and value[0] in "~/" else None


class AccountHook(NamedTuple):
    """An ``account-hook``, its command read."""

    at: int  #: its place in mutt's order
    file: str
    command: Command
    assignments: tuple[Assignment, ...]  #: what its command sets


@dataclasses.dataclass
class Findings:
    """What ``find`` found.  The indexes below are built on first use, once the setup is found: a setup
    of many accounts is not read through again for each one."""

    refs: list[Ref] = dataclasses.field(default_factory=list)
    settings: dict[str, list[Setting]] = dataclasses.field(default_factory=dict)  #: global ``set``s by variable
    commands: list[tuple[str, Command]] = dataclasses.field(default_factory=list)  #: every command, in order
    notes: list[Note] = dataclasses.field(default_factory=list)  #: about the setup as a whole

    @functools.cached_property
    def hook_users(self) -> dict[str, list[Ref]]:
        """The ``imap_user`` settings inside hooks, by the host the hook's pattern names."""
        found: dict[str, list[Ref]] = {}
        for ref in self.refs:
            if ref.context == "imap_user" and ref.owner is not None:
                found.setdefault(ref.owner, []).append(ref)
        return found

    @functools.cached_property
    def hook_users_named(self) -> dict[tuple[str, str], list[Ref]]:
        """The same, by host and the user each names: a host's hooks may set the login of several accounts."""
        found: dict[tuple[str, str], list[Ref]] = {}
        for host, refs in self.hook_users.items():
            for ref in refs:
                found.setdefault((host, ref.text), []).append(ref)
        return found

    @functools.cached_property
    def subscriptions(self) -> list[tuple[str, Command]]:
        """Every ``subscribe-to`` command, with its file."""
        return [(file, command) for file, command in self.commands if command.name == "subscribe-to"]

    @functools.cached_property
    def account_hooks(self) -> dict[str, list[AccountHook]]:
        """The ``account-hook``s that set each variable, in mutt's order."""
        found: dict[str, list[AccountHook]] = {}
        for at, (file, command) in enumerate(self.commands):
            if command.name != "account-hook" or len(command.args) < 2 or command.args[-1].value is None:
                continue
            assignments = tuple(a for inner in tokenize(command.args[-1].value)[1] for a in inner.assignments)
            hook = AccountHook(at, file, command, assignments)
            for name in dict.fromkeys(assignment.name for assignment in assignments):
                found.setdefault(name, []).append(hook)
        return found

    def hooks_setting(self, names: Iterable[str]) -> list[AccountHook]:
        """The ``account-hook``s that set any of ``names``, in mutt's order."""
        found = {hook.at: hook for name in names for hook in self.account_hooks.get(name, [])}
        return [found[at] for at in sorted(found)]

    def value(self, name: str) -> Optional[str]:
        """The variable's last static value set outside hooks; ``"yes"``/``"no"`` for booleans."""
        for setting in reversed(self.settings.get(name, [])):
            assignment = setting.assignment
            if assignment.value is not None:
                return assignment.value.value
            return "no" if assignment.prefix == "no" or setting.command.name == "unset" else (
                "yes" if assignment.prefix == "" and setting.command.name == "set" else None)
        return None


def find(setup: Setup) -> Findings:
    found = Findings()
    folder = Folder()
    for at, (file, number) in enumerate(setup.order):
        muttrc = setup.muttrcs[file]
        command = muttrc.commands[number]
        found.commands.append((file, command))
        unknown: list[tuple[Word, str]] = []
        found.refs += [dataclasses.replace(ref, at=at)
                       for ref in _refs(file, command, folder, None, unknown, lambda word: muttrc.tokens[word.index].text)]
        for word, written in unknown:
            line = muttrc.position(word.index)[0]
            found.notes.append(Note("", "mutt", f"{file}, line {line}: {written} takes its server from a variable or a"
                                                " command when mutt reads it; not migrated, check it by hand"))
        for assignment in command.assignments:
            found.settings.setdefault(assignment.name, []).append(Setting(file, command, assignment, at))
            if assignment.name == "folder" and assignment.value is not None:
                folder.assign(assignment.value.value, at)
    found.refs = [_at_the_end(ref, folder) if ref.runtime and ref.url is None else ref for ref in found.refs]
    found.refs = [ref for ref in found.refs if ref.folder is not None or ref.url is not None or ref.context == "imap_user"
                  or ref.pattern]
    return found


def _at_the_end(ref: Ref, folder: Folder) -> Ref:
    """A name expanded when it runs reads ``$folder`` as the whole setup leaves it."""
    known = folder.url is not None or folder.local is not None
    return dataclasses.replace(ref, base=folder.url, folder=folder.written if known else None, folder_at=folder.at)


class _Inner(NamedTuple):
    """A hook's command: the outer word, and where each of its own tokens starts in that word's value."""

    word: Word
    offsets: list[int]
    lengths: list[int]
    owner: Optional[str]  #: the host the hook's pattern names


def _refs(file: str, command: Command, folder: Folder, inner: Optional[_Inner],
          unknown: list[tuple[Word, str]], written: Callable[[Word], str]) -> Iterator[Ref]:
    """The names in ``command``.  A word whose server mutt only knows when it reads it (a
    ``$variable``, a backtick) goes to ``unknown``, as written: the file's word that holds it."""
    def ref(word: Word, start: int = 0, end: Optional[int] = None, context: str = "", pattern: bool = False) -> Optional[Ref]:
        if word.value is None:
            if context in SERVER_VARIABLES or "://" in written(word):
                unknown.append((word if inner is None else inner.word, written(word)))
            return None
        text = word.value[start:end]
        url = parse_url(text)
        user_setting = context == "imap_user" and inner is not None and inner.owner is not None
        runtime = context == "macro" or (inner is not None and not folder.own)
        if url is None and not pattern and not user_setting and not (
                text[:1] in "=+" and (runtime or (folder.url or folder.local) is not None)):
            return None
        if inner is None:
            outer, span, quote = word, (start, start + len(text)), None
        else:  # the whole inner word is replaced, quoted as it was
            offset = inner.offsets[word.index]
            outer, span, quote = inner.word, (offset, offset + inner.lengths[word.index]), word.quote
        base = folder.url if url is None and not user_setting else None
        return Ref(file, outer, span[0], span[1], quote, text, context or command.name, url, base, pattern,
                   inner.owner if inner is not None else None, runtime=runtime,
                   folder=folder.written if url is None and not user_setting else None, folder_at=folder.at)

    candidates: list[Optional[Ref]] = []
    if command.assignments:
        for assignment in command.assignments:
            if assignment.value is not None and (assignment.name in PATH_VARIABLES | SERVER_VARIABLES
                                                 or assignment.name.startswith("my_") or assignment.name == "imap_user"):
                candidates.append(ref(assignment.value, context=assignment.name))
    elif command.name in MAILBOX_COMMANDS:
        skip = False
        for word in command.args:
            if skip or (word.value or "").startswith("-"):
                skip = word.value == "-label"
                continue
            candidates.append(ref(word))
    elif command.name == "named-mailboxes":
        candidates += [ref(word) for word in command.args[1::2]]
    elif command.name in MAILBOX_HOOKS and len(command.args) >= 2:
        candidates.append(ref(command.args[-1]))
        candidates += [ref(word, pattern=True) for word in command.args[:-1] if _names_a_server(word)]
    elif command.name in COMMAND_HOOKS and len(command.args) >= 2:
        candidates += [ref(word, pattern=True) for word in command.args[:-1] if _names_a_server(word)]
        body = command.args[-1]
        if body.value is not None and inner is None:
            tokens, commands = tokenize(body.value)
            lengths = [len(token.text) for token in tokens]
            offsets = list(itertools.accumulate(lengths, initial=0))
            owner = next((parse_url(w.value or "") for w in command.args[:-1] if parse_url(w.value or "")), None)
            host = owner.host.replace("\\", "").lower() if owner else None
            in_hook = dataclasses.replace(folder)  # what the hook's own commands set, they read against
            for sub in commands:
                candidates += list(_refs(file, sub, in_hook, _Inner(body, offsets, lengths, host), unknown,
                                         lambda w: body.value[offsets[w.index] : offsets[w.index] + lengths[w.index]]))
                for assignment in sub.assignments:
                    if assignment.name == "folder" and assignment.value is not None:
                        in_hook.assign(assignment.value.value, in_hook.at)
                        in_hook.own = True
    elif command.name in ("macro", "push") and command.args and inner is None:
        sequence = command.args[2] if command.name == "macro" and len(command.args) > 2 else command.args[0]
        for match in _MACRO_FOLDER.finditer(sequence.value or ""):
            candidates.append(ref(sequence, match.start(1), match.end(1), context="macro"))
    yield from (candidate for candidate in candidates if candidate is not None)


def _names_a_server(word: Word) -> bool:
    return word.value is None or "://" in word.value
