"""One account a server: Thunderbird loads the first account of a (type, host, user, port) and drops the rest.

A migration can make two accounts one server: the same mailbox reached through two host names,
or a POP account whose IMAP replacement is an IMAP account the profile already has.  The account
that already holds the server keeps it (one left as it is first, then IMAP accounts edited in
place, in list order, then the replacements of POP accounts); every later one joins it, its
identities moving over, instead of being silently dropped by Thunderbird.
"""
from __future__ import annotations

from migrate.model import Account
from migrate.model import Change
from migrate.model import new_values
from parsers.thunderbird.prefs_edit import PrefsEditor

ServerKey = tuple[str, str, str, int]  #: type, host (any case), user name (case counts), port


def holders(accounts: list[Account], kinds: dict[str, str], incoming: dict[str, list[Change]]) -> dict[str, str]:
    """For each account whose migrated server another account already holds, that account's key.

    ``kinds`` gives each account's type (``imap``/``pop3``), ``incoming`` its incoming changes.
    """
    claims: dict[ServerKey, str] = {}
    for account in accounts:
        if not incoming.get(account.key):
            end = account.incoming
            claims.setdefault((kinds[account.key], end.host.lower(), end.username or "", end.port), account.key)
    changing = [a for a in accounts if incoming.get(a.key)]
    joins = {}
    for account in sorted(changing, key=lambda a: kinds[a.key] != "imap"):  # stable: list order within each
        holder = claims.setdefault(_migrated_key(account, incoming[account.key]), account.key)
        if holder != account.key:
            joins[account.key] = holder
    return joins


def _migrated_key(account: Account, changes: list[Change]) -> ServerKey:
    values, end = new_values(changes, "incoming"), account.incoming
    return ("imap", str(values.get("host", end.host)).lower(), str(values.get("username", end.username or "")),
            int(str(values.get("port", end.port))))


def add_identities(editor: PrefsEditor, account: str, identities: list[str], first: bool) -> None:
    """``identities`` join ``account``'s own, in front when they are to be its default (first) identity."""
    own = editor.keys(f"mail.account.{account}.identities")
    merged = [*identities, *own] if first else [*own, *identities]
    if merged != own:
        editor.set_keys(f"mail.account.{account}.identities", merged)


def join(editor: PrefsEditor, account: str, server: str, identities: tuple[str, ...], holder: str) -> bool:
    """``account`` leaves the account list for ``holder``, which takes its identities and, if it had it,
    the default; returns whether it was the default."""
    was_default = editor.get("mail.accountmanager.defaultaccount") == account
    add_identities(editor, holder, list(identities), first=was_default)
    editor.set_keys("mail.accountmanager.accounts", [key for key in editor.keys("mail.accountmanager.accounts") if key != account])
    if was_default:
        editor.set("mail.accountmanager.defaultaccount", holder)
    editor.set(f"mail.server.{server}.mailmigrate.replaced_by", holder)
    return was_default
