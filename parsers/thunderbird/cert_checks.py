"""Certificate exceptions (``cert_override.txt``) of the service's accounts.

Thunderbird looks an exception up by the host and port it connects to.  An
exception for where an account will connect once migrated (a setup already
on the new host that accepted its certificate, or one accepted there before)
goes: the service has a proper certificate, and an account is never pointed
at a server whose check is off.  One for the old host:port stays, and is only
reported: it no longer applies once the account connects elsewhere, and the
old POP account that is kept may still name that host.

CAVEATS: with ``[certificates] verify = no`` an exception the account already
uses stays; one it would only meet after the move still goes.  Exceptions
Mozilla Suite and Thunderbird up to 2 kept as trusted server certificates in
``cert8.db`` are not touched (a binary database; the service's certificate
is not one of them, so they never apply to it).
"""
from __future__ import annotations

from migrate.model import Account
from migrate.model import Change
from migrate.model import new_values
from migrate.model import Note
from parsers.thunderbird.certs import CertOverrides
from parsers.thunderbird.certs import HostPort


def exceptions_to_drop(
    account: Account, changes: list[Change], overrides: CertOverrides, notes: list[Note], dropped: set[HostPort]
) -> set[HostPort]:
    """The host:ports whose exceptions go for ``account`` besides those already ``dropped`` for others.

    What happens to each exception of its servers is said in ``notes``, once.
    """
    drop = set()
    for side, endpoint in (("incoming", account.incoming), ("outgoing", account.outgoing)):
        if endpoint is None or endpoint.host is None or endpoint.port is None:
            continue
        values = new_values(changes, side)
        current = HostPort(endpoint.host.lower(), endpoint.port)
        final = HostPort(str(values.get("host", endpoint.host)).lower(), int(str(values.get("port", endpoint.port))))
        switched_on = any(change.field == f"{side}.certificate" for change in changes)
        if overrides.has(*final) and (switched_on or final != current) and final not in dropped and final not in drop:
            drop.add(final)
            notes.append(Note(account.key, "thunderbird", (
                f"the certificate exception for {final.host}:{final.port} is removed from cert_override.txt:"
                f" Thunderbird now checks the {side} server's certificate")))
        if final != current and overrides.has(*current):
            notes.append(Note(account.key, "thunderbird", (
                f"cert_override.txt keeps the exception for the old {current.host}:{current.port}: it was for that"
                f" server's certificate and no longer applies once the account connects to {final.host}:{final.port}")))
    return drop
