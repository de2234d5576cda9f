"""What an endpoint becomes once the rules' changes are made, and the value edits both account kinds share."""
from __future__ import annotations

import dataclasses

from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import new_values
from parsers.windows.values import ValueEdits
from parsers.windows.values import Values
from parsers.windows.values import is_password

_FIELDS = ("protocol", "host", "port", "security", "auth", "username")


def after(endpoint: Endpoint, changes: list[Change], side: str) -> Endpoint:
    new = new_values(changes, side)
    fields = {name: new[name] for name in _FIELDS if name in new}
    if "password" in new:
        fields["has_password"] = False
    return dataclasses.replace(endpoint, **fields)  # type: ignore[arg-type]


def passwords(values: Values, prefix: str) -> list[str]:
    """The saved-password values of one server (``prefix``: ``IMAP``, ``POP3``, ``SMTP``)."""
    return [name for name in values if is_password(name) and name.lower().startswith(prefix.lower())]


def drop_passwords(edits: ValueEdits, values: Values, prefix: str, changes: list[Change], side: str) -> None:
    if "password" in new_values(changes, side):
        edits.update({name: None for name in passwords(values, prefix)})
