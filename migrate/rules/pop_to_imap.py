"""Read mail over IMAP: POP is switched off on the new service.

``pop3`` / ``apop`` / ``kpop`` / ``auto`` ... -> ``imap``.

CAVEATS: protocols that are not mailbox access (ETRN, ODMR) are left alone,
with a note.  Mail that POP left on the server may be downloaded again.  A
client that keeps special folders per account is given the server's own.
A client that reads only POP (mpop) cannot be converted: the plan says so,
and with ``[incoming] pop_only = disable`` the account is taken out of use.
"""
from __future__ import annotations

from typing import Iterator

from migrate.model import Account
from migrate.model import Change
from migrate.model import Finding
from migrate.model import Note
from migrate.policy import Policy
from migrate.rules import MAILBOX_PROTOCOLS
from migrate.rules import rule
from migrate.rules import sides


@rule("pop-to-imap")
def pop_to_imap(account: Account, policy: Policy) -> Iterator[Finding]:
    protocol = account.incoming.protocol
    if account.pop_only and policy.matches(account.incoming.host):
        yield from _replaced(account, policy)
        return
    if protocol not in MAILBOX_PROTOCOLS and policy.matches(account.incoming.host):
        yield Note(account.key, "pop-to-imap", f"protocol {protocol} does not read a mailbox; left alone")
    for side in sides(account, policy):
        if side.name == "incoming" and protocol not in (None, policy.incoming.protocol):
            yield Change(
                account.key, "incoming.protocol", protocol, policy.incoming.protocol,
                "pop-to-imap", "POP is switched off on the new service",
            )
            if account.has_special_folders:  # the new account uses the server's own folders
                for role in ("sent", "drafts", "trash"):
                    yield Change(
                        account.key, f"special.{role}", None, policy.special_folders[role],
                        "pop-to-imap", "the service keeps these folders for every account",
                    )
            if account.keeps_mail_on_server:
                yield Note(
                    account.key, "pop-to-imap",
                    "mail POP left on the server shows up again in the IMAP inbox (a client that"
                    " downloads, such as fetchmail, fetches again every message not marked as read)",
                )


def _replaced(account: Account, policy: Policy) -> Iterator[Finding]:
    """A POP-only client's account of the service: taken out of use when the policy says so, else only reported."""
    if policy.pop_only == "disable":
        yield Change(
            account.key, "account", "in use", "commented out",
            "pop-to-imap", "POP is switched off on the new service, and this program reads mail only over POP",
        )
    yield Note(
        account.key, "pop-to-imap",
        "this program reads mail only over POP, which the service has switched off: fetch the mail over IMAP"
        " instead (getmail's SimpleIMAPSSLRetriever, fetchmail with proto imap, or mbsync) and stop what runs"
        " this one (a cron job, a systemd timer); the mail it delivered stays where it is"
        + ("" if policy.pop_only == "disable" else "; --set incoming.pop_only=disable comments the account out"),
    )
