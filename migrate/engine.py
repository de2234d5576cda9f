"""The pure core: bytes in, a plan out (accounts, findings, the rewritten document).

``plan_data`` does no I/O; ``migrate.runner`` adds files, backups and runs
around it, and ``migrate.cli`` adds the command line around that.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.document import Document
from migrate.errors import MigrateError
from migrate.model import Account
from migrate.model import Change
from migrate.model import Finding
from migrate.model import Note
from migrate.plugins import Parser
from migrate.policy import Policy
from migrate.rules import review
from migrate.rules import sides

COMPLIANT, WILL_MIGRATE, FOREIGN = "compliant", "will migrate", "not this service"


@dataclasses.dataclass(frozen=True)
class Plan:
    client: str
    accounts: tuple[Account, ...]
    findings: tuple[Finding, ...]  #: the rules' changes and notes, then the parser's notes
    before: Document
    after: Document

    @property
    def changes(self) -> list[Change]:
        return [f for f in self.findings if isinstance(f, Change)]

    @property
    def notes(self) -> list[Note]:
        return [f for f in self.findings if isinstance(f, Note)]

    @property
    def changed(self) -> bool:
        return self.after.render() != self.before.render()

    def status(self, account: Account, policy: Policy) -> str:
        if any(change.account == account.key for change in self.changes):
            return WILL_MIGRATE
        return COMPLIANT if any(True for _ in sides(account, policy)) else FOREIGN


def plan_data(
    data: bytes, parser: Parser, policy: Policy, path: str, local_user: Optional[str] = None
) -> Plan:
    """Everything that would happen to one file's content; raises ``ParseError``.

    >>> from parsers.fetchmail import FetchmailParser
    >>> from migrate.policy import load_policy
    >>> plan = plan_data(b"poll pop.lboro.ac.uk proto pop3 user ab pass x\\n",
    ...                  FetchmailParser(), load_policy(), "rc")
    >>> plan.after.render()
    'poll staff-mail.lboro.ac.uk proto imap service 993 auth password user ab@lboro.ac.uk pass x ssl sslproto tls1.2+\\n'
    """
    before = parser.parse(data, path)
    accounts, findings = _review(parser, before, policy, local_user)
    after, parser_notes = parser.apply(before, accounts, [f for f in findings if isinstance(f, Change)])
    _check_converged(parser, after, policy, path, local_user)
    return Plan(parser.client, tuple(accounts), tuple(findings) + tuple(parser_notes), before, after)


def _review(
    parser: Parser, document: Document, policy: Policy, local_user: Optional[str]
) -> tuple[list[Account], list[Finding]]:
    accounts = [dataclasses.replace(a, local_user=local_user) for a in parser.accounts(document)]
    return accounts, [finding for account in accounts for finding in review(account, policy)]


def _check_converged(parser: Parser, after: Document, policy: Policy, path: str, local_user: Optional[str]) -> None:
    """The rewritten file must parse again and come out of a second pass unchanged."""
    try:
        reparsed = parser.parse(after.to_bytes(), path)
        accounts, findings = _review(parser, reparsed, policy, local_user)
        again, _ = parser.apply(reparsed, accounts, [f for f in findings if isinstance(f, Change)])
    except MigrateError as error:
        raise MigrateError(f"{path}: internal check failed, the rewritten file does not parse ({error})") from None
    if again.render() != after.render():
        raise MigrateError(f"{path}: internal check failed, a second pass would change the file again")
