"""What msmtp and mpop make of their lines: sections, settings, and where each account's values come from.

As ``read_conffile`` does: ``defaults`` starts (or continues) the defaults;
``account NAME [: PARENT[, PARENT...]]`` starts an account that copies the
defaults as they stand at that line, then what each parent set (its own lines
and what it copied from its parents, not its defaults), later parents over
earlier ones, then its own lines, the last of each winning.  msmtp puts lines
before any ``account`` or ``defaults`` into an account named ``default``;
mpop refuses them.  ``eval CMD`` lines are replaced by the output of CMD when
the program reads the file: they are never run here, and what they set is not
seen (the plan says so).  Commands this module does not know are kept and
ignored; those it reads are checked as the program checks them, so a file the
program refuses is refused here too, at its line.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterable
from typing import Optional
from typing import Protocol

from migrate.document import Token
from migrate.errors import ParseError
from parsers.msmtp.lexer import Line
from parsers.msmtp.lexer import unquoted


@dataclasses.dataclass(frozen=True)
class Program:
    name: str  #: ``msmtp`` or ``mpop``
    protocol: str  #: what its accounts speak, in the neutral model's words
    ports: tuple[int, int]  #: the default port, and with TLS from the start (``tls on``, ``tls_starttls off``)
    auth_methods: frozenset[str]  #: ``auth`` values besides ``on`` (and ``off`` where taken)
    auth_off: bool  #: ``auth off`` is taken (msmtp); mpop always logs in
    implicit_account: bool  #: settings before any ``account`` make the account ``default`` (msmtp)
    commands: frozenset[str]  #: the commands of ``FIELDS`` it has


_COMMON_METHODS = frozenset("plain cram-md5 digest-md5 scram-sha-1 scram-sha-256 gssapi external login ntlm"
                            " oauthbearer xoauth2".split())
#: The commands read here, by the setting each decides (``tls_nostarttls`` is msmtp 1.2's ``tls_starttls off``).
FIELDS = {
    "host": "host", "port": "port", "protocol": "protocol", "tls": "tls",
    "tls_starttls": "starttls", "tls_nostarttls": "starttls", "tls_certcheck": "certcheck",
    "tls_nocertcheck": "certcheck", "tls_fingerprint": "fingerprint", "tls_trust_file": "trust_file",
    "auth": "auth", "user": "user", "password": "password", "passwordeval": "passwordeval", "keep": "keep",
}
MSMTP = Program("msmtp", "smtp", (25, 465), _COMMON_METHODS, auth_off=True, implicit_account=True,
                commands=frozenset(FIELDS) - {"keep"})
MPOP = Program("mpop", "pop3", (110, 995), _COMMON_METHODS | {"user", "apop"}, auth_off=False,
               implicit_account=False, commands=frozenset(FIELDS) - {"protocol", "tls_nostarttls", "tls_nocertcheck"})
#: What a setting is when no line gives it (``auth``'s depends on the program: see ``defaults``).
BUILT_IN = {"tls": "off", "starttls": "on", "certcheck": "on", "keep": "off", "protocol": "smtp"}
_FLAGS = {"tls", "tls_starttls", "tls_certcheck", "keep"}
_WITHOUT_ARGUMENT = {"tls_nostarttls": "off", "tls_nocertcheck": "off"}
_OPTIONAL = {"tls_fingerprint", "tls_trust_file", "user", "password", "passwordeval"}  #: empty: unset
_C_INTEGER = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


@dataclasses.dataclass(frozen=True)
class Setting:
    field: str  #: the setting it decides, a value of ``FIELDS``
    value: Optional[str]  #: as the program takes it (flags ``on``/``off``, ``auth`` lower case); ``None``: unset
    line: Line


@dataclasses.dataclass(frozen=True)
class Section:
    kind: str  #: ``defaults`` or ``account``
    name: Optional[str]  #: the account's name
    parents: tuple[str, ...]  #: the accounts it copies from, in order
    header: Optional[Line]  #: its ``account``/``defaults`` line; ``None`` for msmtp's implicit ``default``
    lines: tuple[Line, ...]  #: its other command lines, in order (unknown commands and ``eval`` too)
    settings: tuple[Setting, ...]  #: the lines of ``lines`` that decide a setting, in order


@dataclasses.dataclass(frozen=True)
class Config:
    sections: tuple[Section, ...]
    evals: tuple[Line, ...]  #: ``eval`` lines, never run here

    @property
    def accounts(self) -> list[Section]:
        return [section for section in self.sections if section.kind == "account"]


def defaults(program: Program) -> dict[str, Optional[str]]:
    """Each setting's value when no line gives it."""
    return {**BUILT_IN, "auth": None if program.auth_off else ""}


def parse_config(tokens: list[Token], lines: list[Line], path: str, program: Program) -> Config:
    sections: list[Section] = []
    current: Optional[dict] = None
    evals: list[Line] = []
    names: set[str] = set()

    def close() -> None:
        if current is not None:
            sections.append(Section(**current))

    for line in lines:
        if line.command is None:
            continue
        command = tokens[line.command].text
        argument = unquoted(tokens[line.value].text) if line.value is not None else ""
        error = _Error(path, line, tokens)
        if command in ("defaults", "account"):
            close()
            current = _header(command, argument, line, names, error)
            continue
        if command == "eval":  # what it gives is not known: it starts no section
            if not argument:
                raise error.at_command(f"command {command} needs an argument")
            evals.append(line)
        elif current is None:
            if not program.implicit_account:
                raise error.at_command("first command must be account or defaults")
            current = _section("account", "default", (), None)
            names.add("default")
        if current is not None:
            current["lines"].append(line)
        if command in program.commands:
            current["settings"].append(Setting(FIELDS[command], _value(command, argument, program, error), line))
    close()
    return Config(tuple(sections), tuple(evals))


def _section(kind: str, name: Optional[str], parents: tuple[str, ...], header: Optional[Line]) -> dict:
    return {"kind": kind, "name": name, "parents": parents, "header": header, "lines": [], "settings": []}


def _header(command: str, argument: str, line: Line, names: set[str], error: _Error) -> dict:
    if command == "defaults":
        if argument:
            raise error.at_value("command defaults does not take an argument")
        return _section("defaults", None, (), line)
    name, colon, parent_list = argument.partition(":")
    parents: tuple[str, ...] = ()
    if colon:
        name = unquoted(name.strip(" \t"))
        parents = tuple(unquoted(parent.strip(" \t")) for parent in parent_list.split(","))
        for parent in parents:
            if not parent:
                raise error.at_value("missing account name")
            if parent not in names:
                raise error.at_value(f"account {parent} not (yet) defined")
    if not name:
        raise error.at_value("missing account name")
    if "," in name:
        raise error.at_value("an account name must not contain colons or commas")
    if name in names:
        raise error.at_value(f"account {name} was already defined")
    names.add(name)
    return _section("account", name, parents, line)


def _value(command: str, argument: str, program: Program, error: _Error) -> Optional[str]:
    """The argument as the program takes it; ``ParseError`` where it refuses it."""
    if command in _WITHOUT_ARGUMENT:
        if argument:
            raise error.at_value(f"command {command} does not take an argument")
        return _WITHOUT_ARGUMENT[command]
    if command in _FLAGS:
        if argument in ("", "on", "off"):
            return argument or "on"
    elif command in _OPTIONAL:
        return argument or None
    elif command == "host":
        if argument:
            return argument
        raise error.at_command(f"command {command} needs an argument")
    elif command == "port":
        if not argument:
            raise error.at_command(f"command {command} needs an argument")
        port = c_positive_int(argument)
        if port is not None and port <= 65535:
            return str(port)
    elif command == "auth":
        if argument in ("", "on"):
            return ""
        if argument == "off" and program.auth_off:
            return None
        if argument in program.auth_methods:
            return argument
    elif command == "protocol":
        if argument in ("smtp", "lmtp"):
            return argument
    raise error.at_value(f"invalid argument for command {command}")


def c_positive_int(text: str) -> Optional[int]:
    """``strtol(text, &end, 0)`` taken whole and positive, as ``get_pos_int`` does: ``0x1D1`` and ``0727`` are 465."""
    if not _C_INTEGER.fullmatch(text):
        return None
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") and len(digits) > 1 else 10
    value = sign * int(digits[2:] if base == 16 else digits, base)
    return value if 0 < value <= 2**31 - 1 else None


class _Error:
    """A ``ParseError`` at a line's command or value; the value itself is never quoted (it may be a password)."""

    def __init__(self, path: str, line: Line, tokens: list[Token]) -> None:
        self.path, self.line, self.tokens = path, line, tokens

    def at_command(self, message: str) -> ParseError:
        return self._at(self.line.command, message)

    def at_value(self, message: str) -> ParseError:
        return self._at(self.line.value if self.line.value is not None else self.line.command, message)

    def _at(self, token: Optional[int], message: str) -> ParseError:
        column = 1 + sum(len(t.text) for t in self.tokens[self.line.first : token])
        return ParseError(self.path, self.line.number, column, message)


class HasField(Protocol):
    @property
    def field(self) -> str: ...


class Walk:
    """The program's reading of the sections in file order: where each account takes each setting from.

    Feed it every section in order (``defaults_section``, ``account``); each
    answer maps a field to the setting (any object with ``field``) that decides it.
    """

    def __init__(self) -> None:
        self.defaults: dict[str, HasField] = {}  #: the defaults as they stand now
        self.copied: dict[str, dict[str, HasField]] = {}  #: by account: what a child copies from it

    def defaults_section(self, settings: Iterable[HasField]) -> None:
        self.defaults.update((setting.field, setting) for setting in settings)

    def inherited(self, section: Section) -> dict[str, HasField]:
        """What the account has before its own lines: the defaults, then each parent's in turn."""
        found = dict(self.defaults)
        for parent in section.parents:
            found.update(self.copied[parent])
        return found

    def account(self, section: Section, settings: Iterable[HasField]) -> dict[str, HasField]:
        """The account's settings, its own ``settings`` (in order) last; remembered for its children."""
        own = {setting.field: setting for setting in settings}
        copied: dict[str, HasField] = {}
        for parent in section.parents:
            copied.update(self.copied[parent])
        self.copied[str(section.name)] = {**copied, **own}
        return {**self.inherited(section), **own}


def effective(config: Config) -> dict[str, dict[str, Setting]]:
    """Every account's settings by field, as the program reads them (fields no line gives are missing)."""
    walk, found = Walk(), {}
    for section in config.sections:
        if section.kind == "defaults":
            walk.defaults_section(section.settings)
        else:
            found[str(section.name)] = walk.account(section, section.settings)
    return found  # type: ignore[return-value]
