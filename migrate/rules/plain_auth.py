"""Log in with a plain-text password, sent inside the encrypted link.

``cram-md5`` / ``ntlm`` / ``gssapi`` / client "any" -> ``plain``; SMTP with
no login -> ``plain`` where the policy requires it.

CAVEATS: an outgoing server that sends without a login is left so when the
policy does not require one.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("plain-auth")
def plain_auth(account: Account, policy: Policy) -> Iterator[Change]:
    for side in sides(account, policy):
        auth = side.endpoint.auth
        if auth == policy.login_method or (auth == "none" and not side.server.auth_required):
            continue
        yield Change(
            account.key, f"{side.name}.auth", auth, policy.login_method,
            "plain-auth", "the service only takes a plain password over the encrypted link",
        )
