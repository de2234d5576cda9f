"""The format-neutral account of one key or account file, read by its rules (``internet_accounts``, ``mapi_accounts``)."""
from __future__ import annotations

from types import ModuleType
from typing import Optional

from migrate.model import Account
from parsers.windows.values import Values
from parsers.windows.values import number
from parsers.windows.values import text


def mail_account(rules: ModuleType, key: str, values: Values, where: str, line: int, fallback_name: str) -> Optional[Account]:
    """The mail account these values hold (``None`` for news and directory accounts); ``where`` names the program."""
    reading = rules.incoming(values)
    if reading is None:
        return None
    name = text(values, "Account Name") or fallback_name
    return Account(key, f"{'IMAP' if reading.protocol == 'imap' else 'POP'} account {name!r} ({where})", line,
                   reading, rules.outgoing(values, reading),
                   keeps_mail_on_server=number(values, "Leave Mail On Server") == 1)
