from __future__ import annotations

from migrate.policy import load_policy
from migrate.rules.subscriptions_off import subscriptions_off
from tests.rules.helpers import account
from tests.rules.helpers import changes


def test_subscribed_only_is_switched_off(policy) -> None:
    assert changes(subscriptions_off(account(subscribed_only=True), policy)) == {"subscribed_only": (True, False)}


def test_subscriptions_off_noop(policy) -> None:
    assert list(subscriptions_off(account(subscribed_only=False), policy)) == []
    assert list(subscriptions_off(account(subscribed_only=None), policy)) == []
    assert list(subscriptions_off(account(subscribed_only=True), load_policy(overrides=["subscriptions.mode=keep"]))) == []
