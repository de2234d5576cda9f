from __future__ import annotations

from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note

UNIVERSITY = Endpoint(protocol="imap", host="imap.lboro.ac.uk", port=993, security="ssl", auth="plain",
                      username="ccano@lboro.ac.uk")


def account(**incoming) -> Account:
    extra = {k: incoming.pop(k) for k in ("folders", "subscribed_only", "keeps_mail_on_server", "local_user", "outgoing",
                                          "pop_only") if k in incoming}
    return Account("1", "test", 1, Endpoint(**{**UNIVERSITY.__dict__, **incoming}), **extra)


def changes(findings) -> dict[str, tuple]:
    return {f.field: (f.old, f.new) for f in findings if isinstance(f, Change)}


def notes(findings) -> list[str]:
    return [f.message for f in findings if isinstance(f, Note)]
