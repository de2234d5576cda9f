"""Passwords KDE keeps in KWallet rather than in the file: never touched, but said where they are."""
from __future__ import annotations

from typing import Optional

from migrate.model import Endpoint
from migrate.model import Note


def wallet_note(account: str, endpoint: Optional[Endpoint], stored: bool, entry: str) -> list[Note]:
    """A note when a password is saved (``stored``) but not in the file: then it is the wallet's ``entry``."""
    if endpoint is None or endpoint.has_password or not stored:
        return []
    return [Note(account, "kmail", f"the password is kept in KWallet ({entry}); it is not touched")]
