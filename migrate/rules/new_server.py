"""Point the service's accounts at the new servers.

``pop.lboro.ac.uk`` -> ``staff-mail.lboro.ac.uk`` (the policy's host).

CAVEATS: accounts on hosts the policy does not match are never touched.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("new-server")
def new_server(account: Account, policy: Policy) -> Iterator[Change]:
    for side in sides(account, policy):
        if (side.endpoint.host or "").lower().rstrip(".") != side.server.host:
            yield Change(
                account.key, f"{side.name}.host", side.endpoint.host, side.server.host,
                "new-server", "the service has moved to new servers",
            )
