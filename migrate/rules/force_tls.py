"""Encrypt every connection the way the service accepts.

IMAP on 143 with no encryption -> IMAP over SSL on 993; SMTP on 25 with no
encryption -> SMTP over SSL on 465 (the policy's preferred pairs).

CAVEATS: a setup already on an accepted pair (e.g. STARTTLS on 143) is kept.
A setup pinned to an outdated TLS/SSL version keeps its encryption kind but
is asked to allow a current version.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("force-tls")
def force_tls(account: Account, policy: Policy) -> Iterator[Change]:
    for side in sides(account, policy):
        endpoint, server = side.endpoint, side.server
        accepted = (endpoint.security, endpoint.port) in server.accept
        if accepted and not endpoint.tls_outdated:
            continue
        security, port = (endpoint.security, endpoint.port) if accepted else (server.security, server.port)
        if endpoint.tls_outdated or security != endpoint.security:
            old = f"{endpoint.security} (outdated version)" if endpoint.tls_outdated else endpoint.security
            yield Change(
                account.key, f"{side.name}.security", old, security,
                "force-tls", "the service only accepts encrypted connections",
            )
        if port != endpoint.port:
            yield Change(
                account.key, f"{side.name}.port", endpoint.port, port,
                "force-tls", f"{security} connections go to port {port}",
            )
