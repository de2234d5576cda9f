"""Saved passwords: the service advises against them.

``warn`` (default): a note; ``remove``: the saved password is taken out;
``keep``: nothing said.

CAVEATS: a password is never shown, only whether one is saved.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.model import Finding
from migrate.model import Note
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("saved-passwords")
def saved_passwords(account: Account, policy: Policy) -> Iterator[Finding]:
    for side in sides(account, policy):
        if not side.endpoint.has_password or policy.saved_passwords == "keep":
            continue
        if policy.saved_passwords == "remove":
            yield Change(
                account.key, f"{side.name}.password", "saved", None,
                "saved-passwords", "the service advises against saved passwords",
            )
        else:
            yield Note(
                account.key, "saved-passwords",
                f"a password is saved for the {side.name} server; the service advises against it"
                " (--set passwords.saved=remove takes it out)",
            )
