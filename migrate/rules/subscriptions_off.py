"""Show all folders, not only subscribed ones, as the service advises.

"show only subscribed folders: yes" -> "no".

CAVEATS: with ``[subscriptions] mode = keep`` the client's choice stays.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("subscriptions-off")
def subscriptions_off(account: Account, policy: Policy) -> Iterator[Change]:
    if policy.subscriptions != "off" or not account.subscribed_only:
        return
    if any(side.name == "incoming" for side in sides(account, policy)):
        yield Change(
            account.key, "subscribed_only", True, False,
            "subscriptions-off", "shared folders only show up when all folders are shown",
        )
