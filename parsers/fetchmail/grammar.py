"""fetchmail 6.4's rc grammar (``rcfile_y.y``) over the lexer's tokens.

A file is statements: ``set ...`` lines, and ``poll``/``skip``/``defaults``
entries made of server options, then user blocks (``user R [there]`` or
``user L... here``, each with its user options) or one implicit user whose
options come straight after the server options.  The result records token
indices only; values are read from the tokens when needed.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.errors import ParseError
from parsers.fetchmail.lexer import Lexeme

#: Option keyword -> what follows it.  ``STRING+`` is a list, ``?`` optional.
SERVER_OPTIONS = {
    "AKA": "STRING+", "VIA": "STRING", "LOCALDOMAINS": "STRING+", "PROTOCOL": "PROTO",
    "PRINCIPAL": "STRING", "ESMTPNAME": "STRING", "ESMTPPASSWORD": "STRING", "UIDL": "",
    "CHECKALIAS": "", "SERVICE": "STRING|NUMBER", "PORT": "NUMBER", "INTERVAL": "NUMBER",
    "AUTHENTICATE": "AUTHTYPE", "TIMEOUT": "NUMBER", "ENVELOPE": "NUMBER? STRING",
    "QVIRTUAL": "STRING", "INTERFACE": "STRING", "MONITOR": "STRING", "PLUGIN": "STRING",
    "PLUGOUT": "STRING", "DNS": "", "TRACEPOLLS": "", "BADHEADER": "ACCEPT|REJECT",
}
SERVER_NEGATABLE = frozenset({"UIDL", "CHECKALIAS", "DNS", "ENVELOPE", "TRACEPOLLS"})
USER_OPTIONS = {
    "PASSWORD": "STRING", "FOLDER": "STRING+", "SMTPHOST": "STRING+", "FETCHDOMAINS": "STRING+",
    "SMTPADDRESS": "STRING", "SMTPNAME": "STRING", "SPAMRESPONSE": "NUMBER+", "MDA": "STRING",
    "BSMTP": "STRING", "LMTP": "", "PRECONNECT": "STRING", "POSTCONNECT": "STRING",
    "SSLKEY": "STRING", "SSLCERT": "STRING", "SSLPROTO": "STRING", "SSLCERTFILE": "STRING",
    "SSLCERTPATH": "STRING", "SSLCOMMONNAME": "STRING", "SSLFINGERPRINT": "STRING",
    "LIMIT": "NUMBER", "WARNINGS": "NUMBER", "FETCHLIMIT": "NUMBER", "FETCHSIZELIMIT": "NUMBER",
    "FASTUIDL": "NUMBER", "BATCHLIMIT": "NUMBER", "EXPUNGE": "NUMBER", "PROPERTIES": "STRING",
}
#: User flags; each can be negated with ``no``.
USER_NEGATABLE = frozenset(
    "KEEP FLUSH LIMITFLUSH FETCHALL REWRITE FORCECR STRIPCR PASS8BITS DROPSTATUS DROPDELIVERED"
    " MIMEDECODE IDLE SSL SSLCERTCK".split()
)
USER_OPTIONS.update(dict.fromkeys(USER_NEGATABLE, ""))
SECRET_OPTIONS = frozenset({"PASSWORD", "ESMTPPASSWORD"})
_SET_STRING = frozenset({"LOGFILE", "IDFILE", "PIDFILE", "POSTMASTER", "PROPERTIES"})
_SET_FLAG = frozenset({"BOUNCEMAIL", "SPAMBOUNCE", "SOFTBOUNCE", "SYSLOG", "INVISIBLE", "SHOWDOTS"})
_ENTRY_START = frozenset({"POLL", "SKIP", "DEFAULTS", "SET"})


@dataclasses.dataclass
class Option:
    name: str  #: the keyword symbol, ``NO `` in front when negated: ``"PROTOCOL"``, ``"NO SSL"``
    first: int  #: token index of its first token
    last: int  #: token index of its last token
    values: tuple[int, ...] = ()  #: token indices of its value tokens


@dataclasses.dataclass
class User:
    first: Optional[int]  #: the ``user`` keyword; ``None`` for the implicit user
    remote: Optional[int] = None  #: the remote (server) login name token
    options: list[Option] = dataclasses.field(default_factory=list)
    last: int = -1


@dataclasses.dataclass
class Entry:
    kind: str  #: ``"poll"``, ``"skip"`` or ``"defaults"``
    first: int
    name: Optional[int]  #: the poll name token (``None`` for defaults)
    options: list[Option] = dataclasses.field(default_factory=list)  #: server options
    users: list[User] = dataclasses.field(default_factory=list)
    last: int = -1


class _Parser:
    def __init__(self, lexemes: list[Lexeme], path: str, text: str) -> None:
        self.symbols = [(index, word) for index, lexeme in enumerate(lexemes) for word in lexeme.words]
        self.lexemes, self.path, self.text, self.at = lexemes, path, text, 0

    def peek(self, ahead: int = 0) -> str:
        at = self.at + ahead
        return self.symbols[at][1] if at < len(self.symbols) else "EOF"

    def take(self, *expected: str) -> int:
        if self.peek() not in expected:
            self.fail("syntax error")
        index = self.symbols[self.at][0]
        self.at += 1
        return index

    def fail(self, message: str) -> None:
        if self.at >= len(self.symbols):
            offset, what = len(self.text), "end of input"
        else:
            index, word = self.symbols[self.at]
            lexeme = self.lexemes[index]
            offset, what = lexeme.offset, _describe(word, lexeme.token.text)
            if word == "STRING" and lexeme.token.text.startswith("#") and "\n" not in self.text[offset:]:
                message, what = "a comment on the last line needs a newline after it", ""
        before = self.text[:offset]
        line, col = before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
        raise ParseError(self.path, line, col, f"{message} at {what}" if what else message)

    def statements(self) -> list[Entry]:
        entries: list[Entry] = []
        while self.peek() != "EOF":
            if self.peek() == "SET":
                self.set_statement()
                continue
            start = self.at
            entry = self.entry()
            if entry.kind == "defaults" and entries:
                self.at = start
                self.fail('"defaults" must be the first entry, and come only once')
            entries.append(entry)
        return entries

    def set_statement(self) -> None:
        self.take("SET")
        word = self.peek()
        if word in _SET_STRING or word == "DAEMON":
            self.take(word)
            if self.peek() == "MAP":
                self.take("MAP")
            self.take("NUMBER" if word == "DAEMON" else "STRING")
        else:
            if word == "NO":
                self.take("NO")
            self.take(*_SET_FLAG)

    def entry(self) -> Entry:
        kind = self.peek()
        first = self.take("POLL", "SKIP", "DEFAULTS")
        entry = Entry(kind.lower(), first, None if kind == "DEFAULTS" else self.take("STRING"), last=first)
        entry.last = entry.name if entry.name is not None else first
        while (option := self.option(SERVER_OPTIONS, SERVER_NEGATABLE)) is not None:
            entry.options.append(option)
            entry.last = option.last
        if self.peek() == "USERNAME":
            while self.peek() == "USERNAME":
                entry.users.append(self.user())
        elif self.peek() not in _ENTRY_START and self.peek() != "EOF":
            user = User(first=None)
            user.options, user.last = self.user_options(at_least_one=True), -1
            user.last = user.options[-1].last
            entry.users.append(user)
        if entry.users:
            entry.last = entry.users[-1].last
        if self.peek() not in _ENTRY_START and self.peek() != "EOF":
            server_option = self.peek() in SERVER_OPTIONS or (
                self.peek() == "NO" and self.peek(1) in SERVER_NEGATABLE)
            self.fail("server option after user options" if server_option else "syntax error")
        return entry

    def user(self) -> User:
        user = User(first=self.take("USERNAME"))
        names = self.mapping_list()
        if self.peek() == "HERE":
            user.last = self.take("HERE")
        elif len(names) == 1 and len(names[0]) == 1:
            user.remote = user.last = names[0][0]
            if self.peek() == "THERE":
                user.last = self.take("THERE")
        else:
            self.fail("syntax error")
        user.options = self.user_options(at_least_one=False)
        if user.options:
            user.last = user.options[-1].last
        for option in user.options:
            if option.name == "IS" and option.values and self.lexemes[option.last].words == ("THERE",):
                user.remote = option.values[0]
        return user

    def user_options(self, at_least_one: bool) -> list[Option]:
        options = []
        while (option := self.option(USER_OPTIONS, USER_NEGATABLE)) is not None or self.peek() in ("IS", "TO"):
            options.append(option if option is not None else self.mapping_option())
        if at_least_one and not options:
            self.fail("syntax error")
        return options

    def mapping_option(self) -> Option:
        word = self.peek()
        first = self.take("IS", "TO")
        names = self.mapping_list()
        option = Option(word, first, names[-1][-1], tuple(i for name in names for i in name))
        if self.peek() == "HERE" or (word == "IS" and self.peek() == "THERE" and len(option.values) == 1):
            option.last = self.take(self.peek())
        return option

    def mapping_list(self) -> list[tuple[int, ...]]:
        names = [self.mapping()]
        while self.peek() == "STRING":
            names.append(self.mapping())
        return names

    def mapping(self) -> tuple[int, ...]:
        name = self.take("STRING")
        if self.peek() != "MAP":
            return (name,)
        self.take("MAP")
        return (name, self.take("STRING"))

    def option(self, table: dict[str, str], negatable: frozenset[str]) -> Optional[Option]:
        word = self.peek()
        if word == "NO" and self.peek(1) in negatable:
            first = self.take("NO")
            last = self.take(self.peek())
            return Option(f"NO {self.lexemes[last].words[-1]}", first, last)
        if word not in table:
            return None
        first = self.take(word)
        values = []
        for shape in table[word].split():
            choices = shape.rstrip("+?").split("|")
            if shape.endswith("?") and self.peek() not in choices:
                continue
            values.append(self.take(*choices))
            while shape.endswith("+") and self.peek() in choices:
                values.append(self.take(*choices))
        return Option(word, first, values[-1] if values else first, tuple(values))


def _describe(word: str, text: str) -> str:
    """How an error names a token, never quoting a value: it may be a password."""
    return {"STRING": "a word or quoted string", "NUMBER": "a number", "MAP": "'='"}.get(word, repr(text))


def parse(lexemes: list[Lexeme], path: str, text: str) -> list[Entry]:
    return _Parser(lexemes, path, text).statements()
