"""The msmtp and mpop parsers, imported only when a file of theirs is met (see ``parsers/msmtp/__init__.py``)."""
from __future__ import annotations

import dataclasses
from pathlib import PurePath
from typing import ClassVar
from typing import Optional

from migrate.document import Document
from migrate.document import Edit
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import MigrateError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from parsers.msmtp import MAILMIGRATE_PATTERNS as MSMTP_PATTERNS
from parsers.msmtp.accounts import account
from parsers.msmtp.accounts import values
from parsers.msmtp.config import MPOP
from parsers.msmtp.config import MSMTP
from parsers.msmtp.config import Config
from parsers.msmtp.config import Program
from parsers.msmtp.config import Section
from parsers.msmtp.config import effective
from parsers.msmtp.config import parse_config
from parsers.msmtp.lexer import tokenize
from parsers.msmtp.mpop_format import MAILMIGRATE_PATTERNS as MPOP_PATTERNS
from parsers.msmtp.rewrite import Rewrite
from parsers.msmtp.rewrite import newline_of
from parsers.msmtp.rewrite import wanted

#: Commands whose argument is a password, or a command line that may hold one.
_SECRET = frozenset({"password", "passwordeval", "eval"})


@dataclasses.dataclass(frozen=True)
class RcDocument(FileDocument):
    config: Config = Config((), ())
    #: the file the program reads instead of this one (``~/.msmtprc`` beside ``~/.config/msmtp/config``)
    shadowed_by: Optional[str] = None


class _RcParser(Parser):
    program: ClassVar[Program]

    def parse(self, read: Read, path: str) -> RcDocument:
        tokens, lines = tokenize(decode(read_required(read, path)), path, self.program.name)
        config = parse_config(tokens, lines, path, self.program)
        secrets = {line.value for line in lines if line.command is not None and tokens[line.command].text in _SECRET}
        marked = tuple(Token(t.kind, t.text, i in secrets) for i, t in enumerate(tokens))
        return RcDocument(marked, path, config, _shadowed_by(read, path, self.program))

    def accounts(self, document: RcDocument) -> list[Account]:
        found = effective(document.config)
        return [account(self.program, section, found[str(section.name)]) for section in document.config.accounts]

    def setup_notes(self, document: RcDocument) -> list[Note]:
        notes = []
        if document.shadowed_by:
            notes.append(Note("", self.program.name, f"{self.program.name} reads {document.shadowed_by}, which exists,"
                                                      " and not this file"))
        if document.config.evals:
            where = ", ".join(str(line.number) for line in document.config.evals)
            notes.append(Note("", self.program.name, f"eval on line {where} is not run by mailmigrate: what it gives"
                                                      f" {self.program.name} is not seen here; check it by hand"))
        return notes


class MsmtpParser(_RcParser):
    name = "msmtp"
    client = "msmtp"
    patterns = MSMTP_PATTERNS
    program = MSMTP

    def apply(self, document: RcDocument, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        grouped = by_account(changes)
        rewrite = Rewrite(document.config, document.tokens, MSMTP)
        rewrite.settle({key: wanted(mine) for key, mine in grouped.items()})
        found = effective(document.config)
        notes = [note for a in accounts if a.key in grouped
                 for note in _sending_notes(a, values(MSMTP, found[a.key]), found[a.key], grouped[a.key])]
        return {document.path: document.apply(rewrite.edits())}, self.setup_notes(document) + rewrite.notes + notes


class MpopParser(_RcParser):
    name = "mpop"
    client = "mpop"
    patterns = MPOP_PATTERNS
    program = MPOP

    def apply(self, document: RcDocument, accounts: list[Account], changes: list[Change]) -> tuple[dict[str, Document], list[Note]]:
        asked = {change.account for change in changes if change.field == "account"}
        disabled, blocked = _disabled(document.config, asked)
        edits = [edit for section in document.config.accounts if section.name in disabled
                 for edit in _commented_out(section, document.tokens)]
        notes = self.setup_notes(document)
        for key, children in blocked.items():
            notes.append(Note(key, "mpop", f"not commented out: account {', '.join(children)} copies it"
                                           " (account NAME : this), and mpop would refuse the file without it"))
        return {document.path: document.apply(edits)}, notes


def _commented_out(section: Section, tokens: tuple[Token, ...]) -> list[Edit]:
    """Every command line of the account commented out, after a line that says why."""
    lines = [line for line in (section.header, *section.lines) if line is not None]
    why = ("# POP is switched off on the mail service, and mpop reads mail only over POP: commented out by"
           f" mailmigrate{lines[0].newline or newline_of(tokens)}")
    return [Edit(line.first, line.first, (why if i == 0 else "") + "# ") for i, line in enumerate(lines)]


def _disabled(config: Config, asked: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """The accounts that can be commented out, and for each that cannot the accounts that copy it.

    An account another one copies (``account x : this``) must stay unless that one goes too, or mpop
    refuses the file.
    """
    children: dict[str, list[str]] = {}
    for section in config.accounts:
        for parent in section.parents:
            children.setdefault(parent, []).append(str(section.name))
    disabled, blocked = set(asked), {}
    for section in reversed(config.accounts):  # children come after their parents: settled first
        name = str(section.name)
        staying = [child for child in children.get(name, []) if child not in disabled]
        if name in disabled and staying:
            disabled.discard(name)
            blocked[name] = staying
    return disabled, blocked


def _sending_notes(account: Account, found: dict, sources: dict, changes: list[Change]) -> list[Note]:
    """What a person should know about an msmtp account that changes: where its password comes from, whose
    authorities it trusts."""
    new = {change.field.split(".", 1)[1]: change.new for change in changes}
    endpoint = account.outgoing
    assert endpoint is not None
    host, user = new.get("host", endpoint.host), new.get("username", endpoint.username) or "USER"
    saved = found.get("password") is not None and "password" not in new  #: still in the file after the migration
    notes = []
    if sources.get("passwordeval") is not None and not saved:
        notes.append(f"passwordeval kept (line {sources['passwordeval'].line.number}): the command must give the"
                     f" password of {user} on the service")
    elif not saved and ("host" in new or "username" in new or "password" in new):
        notes.append(f"no password in the file: msmtp looks it up by server and login, in the keyring"
                     f" (secret-tool store --label=msmtp host {host} service smtp user {user}) or in ~/.netrc,"
                     " where one for the old server or login is not found any more")
    trust = found.get("trust_file")
    if trust not in (None, "system"):
        notes.append(f"tls_trust_file kept (line {sources['trust_file'].line.number}): msmtp trusts only the"
                     " authorities in that file, which must include the one that signs the service's certificate")
    elif endpoint.security == "none" and "security" in new:
        notes.append("msmtp before 1.8.2 (2019) needs a tls_trust_file with TLS (e.g."
                     " /etc/ssl/certs/ca-certificates.crt); later versions use the system's authorities")
    return [Note(account.key, "msmtp", note) for note in notes]


def _shadowed_by(read: Read, path: str, program: Program) -> Optional[str]:
    """``~/.<program>rc`` when ``path`` is ``~/.config/<program>/config`` and it exists: the program reads that."""
    parts = PurePath(path).parts
    if parts[-3:] != (".config", program.name, "config"):
        return None
    dotfile = PurePath(*parts[:-3], f".{program.name}rc")
    try:
        exists = read(str(dotfile)) is not None
    except MigrateError:  # a link or a folder: there all the same
        exists = True
    return f"~/.{program.name}rc" if exists else None
