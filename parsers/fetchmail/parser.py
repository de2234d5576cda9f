"""The FetchmailParser itself, imported only when a file of its format is met (see ``parsers/fetchmail/__init__.py``)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from migrate.document import Document
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from migrate.plugins import Parser
from migrate.plugins import Read
from migrate.plugins import read_required
from migrate.posix import may_be_running
from parsers.fetchmail import MAILMIGRATE_PATTERNS
from parsers.fetchmail import accounts as neutral
from parsers.fetchmail.changes import HANDLERS
from parsers.fetchmail.changes import encrypt
from parsers.fetchmail.changes import drop_login_prefix
from parsers.fetchmail.grammar import SECRET_OPTIONS
from parsers.fetchmail.grammar import Entry
from parsers.fetchmail.grammar import parse
from parsers.fetchmail.lexer import tokenize
from parsers.fetchmail.rewrite import AccountRewrite
from parsers.fetchmail.rewrite import Rewrite


@dataclasses.dataclass(frozen=True)
class FetchmailDocument(FileDocument):
    entries: tuple[Entry, ...] = ()


class FetchmailParser(Parser):
    name = "fetchmailrc"
    client = "fetchmail"
    patterns = MAILMIGRATE_PATTERNS

    def parse(self, read: Read, path: str) -> FetchmailDocument:
        text = decode(read_required(read, path))
        lexemes = list(tokenize(text))
        entries = parse(lexemes, path, text)
        secrets = {
            option.values[-1]
            for entry in entries
            for options in [entry.options, *(user.options for user in entry.users)]
            for option in options
            if option.name in SECRET_OPTIONS
        }
        tokens = tuple(Token(l.token.kind, l.token.text, i in secrets) for i, l in enumerate(lexemes))
        return FetchmailDocument(tokens, path, tuple(entries))

    def accounts(self, document: FetchmailDocument) -> list[Account]:
        return [
            neutral.account(key, scope, document.tokens, document.position(_first(scope))[0])
            for key, scope in self._scopes(document).items()
        ]

    def apply(
        self, document: FetchmailDocument, accounts: list[Account], changes: list[Change]
    ) -> tuple[dict[str, Document], list[Note]]:
        scopes = self._scopes(document)
        by_key = {account.key: account for account in accounts}
        grouped = by_account(changes)
        targets = _security_targets(scopes, by_key, grouped)
        rewrite = Rewrite(document)
        for key, mine in grouped.items():
            edit = AccountRewrite(rewrite, scopes[key], by_key[key], mine, targets.get(scopes[key].entry.first, ""))
            for change in mine:
                HANDLERS[change.field](edit, change)
            drop_login_prefix(edit)
        for key, scope in scopes.items():  # users of a poll whose port moved follow it
            target = targets.get(scope.entry.first)
            if target and not any(c.field == "incoming.security" for c in grouped.get(key, [])):
                edit = AccountRewrite(rewrite, scope, by_key[key], [], target)
                encrypt(edit, target)
                edit.note(f"switched to {target} with the other users of this poll: they share its port")
        return {document.path: document.apply(rewrite.edits())}, rewrite.notes

    def live(self, path: Path) -> Optional[str]:
        pidfile = path.with_name(".fetchmail.pid" if path.name.startswith(".") else "fetchmail.pid")
        try:
            pid = int(pidfile.read_text("ascii", "replace").split()[0])
        except (OSError, ValueError, IndexError):
            return None
        if not may_be_running(pid):
            return None
        return f"fetchmail is running (pid {pid} in {pidfile.name}); stop it with 'fetchmail -q' first"

    @staticmethod
    def _scopes(document: FetchmailDocument) -> dict[str, neutral.Scope]:
        return {f"{i + 1}": scope for i, scope in enumerate(neutral.scopes(list(document.entries), document.tokens))}


def _security_targets(
    scopes: dict[str, neutral.Scope], accounts: dict[str, Account], changes: dict[str, list[Change]]
) -> dict[int, str]:
    """For each poll whose port changes, the encryption that port needs (by the poll's first token)."""
    targets = {}
    for key, mine in changes.items():
        for change in mine:
            if change.field == "incoming.port":
                security = next((c.new for c in mine if c.field == "incoming.security"), accounts[key].incoming.security)
                targets[scopes[key].entry.first] = str(security)
    return targets


def _first(scope: neutral.Scope) -> int:
    return scope.user.first if scope.user is not None and scope.user.first is not None else scope.entry.first
