"""The pure core: a setup's bytes in, a plan out (accounts, findings, each file rewritten).

``plan_setup`` does no I/O but through the ``read`` it is given;
``migrate.runner`` adds files and run records (the bytes before) around it, and ``migrate.cli``
adds the command line around that.
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Optional

from migrate.document import Document
from migrate.errors import MigrateError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Finding
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parsed
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import reader_root
from migrate.policy import Policy
from migrate.rules import review
from migrate.rules import sides

COMPLIANT, WILL_MIGRATE, FOREIGN = "compliant", "will migrate", "not this service"
#: an account of the service that its program cannot reach at all (mpop reads only POP): replaced by hand
REPLACE = "to replace by hand"


@dataclasses.dataclass(frozen=True)
class FilePlan:
    path: str
    before: Document
    after: Document

    @property
    def changed(self) -> bool:
        return self.after.render() != self.before.render()


@dataclasses.dataclass(frozen=True)
class Plan:
    client: str
    accounts: tuple[Account, ...]
    findings: tuple[Finding, ...]  #: the rules' changes and notes, then the parser's notes
    files: tuple[FilePlan, ...]  #: every file of the setup, changed or not

    @functools.cached_property
    def changes(self) -> list[Change]:
        return [f for f in self.findings if isinstance(f, Change)]

    @functools.cached_property
    def notes(self) -> list[Note]:
        return [f for f in self.findings if isinstance(f, Note)]

    def changes_of(self, key: str) -> list[Change]:
        """One account's changes (looked up: a plan of many accounts is not read through again for each)."""
        return self._changes_by_account.get(key, [])

    def notes_of(self, key: str) -> list[Note]:
        return self._notes_by_account.get(key, [])

    @functools.cached_property
    def _changes_by_account(self) -> dict[str, list[Change]]:
        return by_account(self.changes)

    @functools.cached_property
    def _notes_by_account(self) -> dict[str, list[Note]]:
        return by_account(self.notes)

    @property
    def changed(self) -> bool:
        return any(file.changed for file in self.files)

    @property
    def only(self) -> FilePlan:
        """The one file of a single-file setup."""
        (file,) = self.files
        return file

    def status(self, account: Account, policy: Policy) -> str:
        if self.changes_of(account.key):
            return WILL_MIGRATE
        if account.pop_only and policy.matches(account.incoming.host):
            return REPLACE
        return COMPLIANT if any(True for _ in sides(account, policy)) else FOREIGN


def plan_setup(read: Read, parser: Parser, policy: Policy, path: str, local_user: Optional[str] = None) -> Plan:
    """Everything that would happen to one setup (a file, or a profile of several); no I/O but ``read``.

    Raises ``ParseError`` for input the parser refuses.
    """
    parsed = parser.parse(read, path)
    accounts, findings = _review(parser, parsed, policy, local_user)
    after, parser_notes = parser.apply(parsed, accounts, [f for f in findings if isinstance(f, Change)])
    files = tuple(FilePlan(name, document, after.get(name, document)) for name, document in parsed.files.items())
    plan = Plan(parser.client, tuple(accounts), tuple(findings) + tuple(parser_notes), files)
    if plan.changed:  # else a second pass would be this one again
        _check_converged(parser, read, files, policy, path, local_user)
    return plan


def plan_data(data: bytes, parser: Parser, policy: Policy, path: str, local_user: Optional[str] = None) -> Plan:
    """``plan_setup`` for a setup that is one file, given as bytes.

    >>> from parsers.fetchmail import FetchmailParser
    >>> from migrate.policy import load_policy
    >>> plan = plan_data(b"poll pop.lboro.ac.uk proto pop3 user ab pass x\\n",
    ...                  FetchmailParser(), load_policy(), "rc")
    >>> plan.only.after.render()
    'poll staff-mail.lboro.ac.uk proto imap service 993 auth password user ab@lboro.ac.uk pass x ssl sslproto tls1.2+\\n'
    """
    return plan_setup({path: data}.get, parser, policy, path, local_user)


def _review(parser: Parser, parsed: Parsed, policy: Policy, local_user: Optional[str]) -> tuple[list[Account], list[Finding]]:
    accounts = [dataclasses.replace(a, local_user=local_user) for a in parser.accounts(parsed)]
    return accounts, [finding for account in accounts for finding in review(account, policy)]


class _RewrittenReader:
    """The setup's files as rewritten, anything else through ``read``, confined where it is (``root``)."""

    def __init__(self, read: Read, rewritten: dict[str, bytes]) -> None:
        self.read, self.rewritten, self.root = read, rewritten, reader_root(read)

    def __call__(self, name: str) -> Optional[bytes]:
        return self.rewritten[name] if name in self.rewritten else self.read(name)


def _check_converged(
    parser: Parser, read: Read, files: tuple[FilePlan, ...], policy: Policy, path: str, local_user: Optional[str]
) -> None:
    """The rewritten setup must parse again and come out of a second pass unchanged.

    Only for a setup that changes.  One that does not would be read back byte for byte as it
    was read (documents are lossless), and parse, review and rewrite are pure functions of
    what they read, the policy and the login name: the second pass would be the first one
    again, which parsed and changed nothing.

    For a setup that changes, the whole pass runs again.  Re-parsing and comparing the
    accounts with those the changes aimed at would show that the rewrite wrote what the
    findings say, not that the migration is done: every rule looks at the account as it was
    read, not as the other rules leave it, and a parser's rewrite goes beyond the findings
    (Thunderbird joins accounts that became one server, fetchmail moves a poll's other users
    to its new port, mutt turns certificate checks back on); only a second review and rewrite
    show that it all settles.  Nor can the parse be confined to the rewritten documents: a
    setup is parsed whole (a muttrc with the files it sources, a prefs.js with its user.js),
    and the parse is most of the check's cost anyway.
    """
    read_rewritten = _RewrittenReader(read, {file.path: file.after.to_bytes() for file in files})
    try:
        reparsed = parser.parse(read_rewritten, path)
        accounts, findings = _review(parser, reparsed, policy, local_user)
        again, _ = parser.apply(reparsed, accounts, [f for f in findings if isinstance(f, Change)])
    except MigrateError as error:
        raise MigrateError(f"{path}: internal check failed, the rewritten setup does not parse ({error})") from None
    if any(document.render() != reparsed.files[name].render() for name, document in again.items()):
        raise MigrateError(f"{path}: internal check failed, a second pass would change it again")
