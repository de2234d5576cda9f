"""Check the service's certificate again where an old setup stopped checking it.

fetchmail ``no sslcertck`` -> ``sslcertck``; Pine ``/novalidate-cert`` dropped;
mutt ``ssl_verify_host=no`` -> ``yes``; a pinned fingerprint of the old
server dropped.

CAVEATS: with ``[certificates] verify = no`` the setup's choice stays.  Only
the service's servers are touched; another provider's setting is its own.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


@rule("verify-certificates")
def verify_certificates(account: Account, policy: Policy) -> Iterator[Change]:
    if not policy.verify_certificates:
        return
    for side in sides(account, policy):
        if side.endpoint.certificate_unchecked:
            yield Change(
                account.key, f"{side.name}.certificate", "off", "on",
                "verify-certificates", "the service has a proper certificate: the check is switched back on",
            )
