from __future__ import annotations

from migrate.policy import load_policy
from migrate.rules.saved_passwords import saved_passwords
from tests.rules.helpers import account
from tests.rules.helpers import changes
from tests.rules.helpers import notes


def test_saved_password_warns_by_default(policy) -> None:
    findings = list(saved_passwords(account(has_password=True), policy))
    assert changes(findings) == {} and "advises against" in notes(findings)[0]


def test_saved_password_removed_on_request() -> None:
    site = load_policy(overrides=["passwords.saved=remove"])
    assert changes(saved_passwords(account(has_password=True), site)) == {"incoming.password": ("saved", None)}


def test_saved_passwords_noop(policy) -> None:
    assert list(saved_passwords(account(has_password=False), policy)) == []
    assert list(saved_passwords(account(has_password=True), load_policy(overrides=["passwords.saved=keep"]))) == []
