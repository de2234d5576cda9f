"""Neutral changes made in Mail's account dictionaries.

An IMAP account and an outgoing (SMTP) account change in place: ``Hostname``,
``Username``, ``PortNumber`` (a string stays a string), ``SSLEnabled``,
``SecurityLayerType`` where the file has it (and ``ConfigureDynamically`` off, or
Lion's Mail would pick its own port), an empty ``AuthenticationScheme``
(password), ``ShouldUseAuthentication`` on; the special mailboxes lose their
INBOX level, and an IMAP path prefix is cleared (the service keeps folders at
the top level).  Every ``SMTPIdentifier`` naming a changed outgoing account
follows it.

A POP account keeps its mail in its own folder (``AccountPath``): making it IMAP
would hand that folder to an IMAP cache.  So it stays, renamed "… (old POP
mail)", and an IMAP account is appended for the same person: the POP
account's name, addresses, full name and outgoing server, its own folder,
the service's special mailboxes, and a ``uniqueId`` derived from the POP
account's, which tells a later run the work is done.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import by_account
from migrate.model import new_values
from parsers.applemail.accounts import SPECIAL_MAILBOXES
from parsers.applemail.accounts import MailDict
from parsers.applemail.accounts import added_id
from parsers.applemail.accounts import identifier
from parsers.applemail.setup import MailSetup
from parsers.applemail.values import Append
from parsers.applemail.values import Op
from parsers.applemail.values import Put
from parsers.applemail.values import is_yes
from parsers.applemail.values import like

RETIRED = " (old POP mail)"
#: Notes about the file as a whole carry this account key, which no account has.
SETUP = "setup"
_LAYER = {"ssl": 3, "starttls": 2}
_COPIED = ("EmailAddresses", "EmailAliases", "FullUserName")


def migrated(setup: MailSetup, accounts: list[Account], changes: list[Change]) -> tuple[list[Op], list[Note]]:
    """The edits that make the changes, and what people should know about them."""
    mine = by_account(changes)
    ops: list[Op] = []
    notes = [Note(SETUP, "applemail", f"{pop.text('AccountName') or pop.key}: old POP mail in {pop.text('AccountPath')},"
                                      " kept beside its IMAP account; retire it once its mail is moved") for pop in setup.retired]
    renamed: dict[str, str] = {}  #: SMTPIdentifier, old -> new
    done: dict[str, list[Put]] = {}  #: an outgoing account's edits, by its key: one account may serve several
    for account in accounts:
        sending = [c for c in mine.get(account.key, []) if c.field.startswith("outgoing.") and c.field != "outgoing.password"]
        smtp = setup.senders.get(account.key)
        if not sending or smtp is None or account.outgoing is None:
            continue
        puts = _smtp(smtp, new_values(sending, "outgoing"), account, setup.string_ports)
        if smtp.key in done:
            if done[smtp.key] != puts:
                notes.append(Note(account.key, "applemail", f"its outgoing account {smtp.key} is shared with another account"
                                                            " that wants it changed otherwise; kept that"))
            continue
        done[smtp.key], ops = puts, ops + puts
        new = dict(smtp.info, **{put.key: put.value for put in puts})
        if identifier(new) != identifier(smtp.info):
            renamed[identifier(smtp.info)] = identifier(new)
            notes.append(_keychain(account.key, new.get("Username"), new.get("Hostname")))
    after = _after(setup, accounts, mine)
    incoming: dict[str, MailDict] = {}
    for each in setup.incoming:
        incoming.setdefault(each.key, each)
    for account in accounts:
        reading = [c for c in mine.get(account.key, []) if not c.field.startswith("outgoing.") and c.field != "incoming.password"]
        found = incoming.get(account.key)
        if not reading or found is None:
            continue
        if found.info["AccountType"] == "POPAccount":
            ops += _replace_pop(setup, found, account, reading, renamed, after, notes)
        else:
            ops += _imap(found, account, reading, setup.string_ports, notes)
    for found in setup.incoming + setup.retired:
        old = found.text("SMTPIdentifier")
        if old in renamed:
            ops.append(Put(found.path, "SMTPIdentifier", renamed[old]))
    if ops:
        notes.append(Note(SETUP, "applemail", "quit Mail before apply: it writes this file back when it quits (a Mail"
                                              " running on another machine, the Mac, cannot be seen from here)"))
    return ops, list(dict.fromkeys(notes))


def _connection(info: dict, security: str, port: int, string_ports: bool) -> list[tuple[str, object]]:
    """The values that make Mail connect with ``security`` to ``port``."""
    values = [("PortNumber", like(info.get("PortNumber"), port, string_ports)),
              ("SSLEnabled", like(info.get("SSLEnabled"), security != "none"))]
    if "SecurityLayerType" in info and security in _LAYER:
        values.append(("SecurityLayerType", like(info["SecurityLayerType"], _LAYER[security])))
    if is_yes(info.get("ConfigureDynamically")):
        values.append(("ConfigureDynamically", like(info["ConfigureDynamically"], False)))
    return values


def _server(info: dict, values: dict, side: Endpoint, string_ports: bool) -> list[tuple[str, object]]:
    """Host, user and connection: what a changed server needs, incoming or outgoing."""
    found = [(name, str(values[field])) for field, name in (("host", "Hostname"), ("username", "Username")) if field in values]
    if "security" in values or "port" in values:
        found += _connection(info, str(values.get("security", side.security)), int(str(values.get("port", side.port))),
                             string_ports)
    if "auth" in values and info.get("AuthenticationScheme"):
        found.append(("AuthenticationScheme", ""))
    return found


def _smtp(smtp: MailDict, values: dict, account: Account, string_ports: bool) -> list[Put]:
    assert account.outgoing is not None
    found = _server(dict(smtp.info), values, account.outgoing, string_ports)
    if "auth" in values:
        found.append(("ShouldUseAuthentication", like(smtp.info.get("ShouldUseAuthentication"), True)))
    return [Put(smtp.path, name, value) for name, value in found]


def _imap(found: MailDict, account: Account, changes: list[Change], string_ports: bool, notes: list[Note]) -> list[Put]:
    values = new_values(changes, "incoming")
    puts = [Put(found.path, name, value) for name, value in _server(dict(found.info), values, account.incoming, string_ports)]
    moved = {str(c.old): str(c.new) for c in changes if c.field == "folder"}
    puts += [Put(found.path, key, moved[name]) for key in SPECIAL_MAILBOXES for name in [found.text(key)] if name in moved]
    for key, prefix in found.info.items():
        if key.endswith("PathPrefix") and isinstance(prefix, str) and prefix:
            puts.append(Put(found.path, key, ""))
            notes.append(Note(account.key, "applemail", f"its IMAP path prefix {prefix!r} is cleared:"
                                                        " the service keeps personal folders at the top level"))
    if "host" in values or "username" in values:
        notes.append(_keychain(account.key, values.get("username", account.incoming.username),
                               values.get("host", account.incoming.host)))
    return puts


def _after(setup: MailSetup, accounts: list[Account], mine: dict[str, list[Change]]) -> dict[tuple, str]:
    """The IMAP accounts there will be, by (host, user) after the migration, in words; an added one joins them."""
    kinds = {found.key: found.info["AccountType"] for found in setup.incoming}
    after = {}
    for account in accounts:
        if kinds.get(account.key) == "IMAPAccount":
            values = new_values(mine.get(account.key, []), "incoming")
            host = str(values.get("host", account.incoming.host)).lower()
            after.setdefault((host, values.get("username", account.incoming.username)), f"the IMAP account {account.key}")
    return after


def _replace_pop(setup: MailSetup, pop: MailDict, account: Account, changes: list[Change], renamed: dict[str, str],
                 after: dict[tuple, str], notes: list[Note]) -> list[Op]:
    values = new_values(changes, "incoming")
    reading = account.incoming
    host, user = str(values.get("host", reading.host)), values.get("username", reading.username)
    if user is None:
        notes.append(Note(account.key, "applemail", "no IMAP account is added for it while its login is unknown"))
        return []
    user = str(user)
    name = pop.text("AccountName")
    ops: list[Op] = []
    if name and not name.endswith(RETIRED):
        ops.append(Put(pop.path, "AccountName", name + RETIRED))
    kept = f"the POP account stays{f', renamed {name + RETIRED!r}' if name and not name.endswith(RETIRED) else ''}," \
           f" with its mail in {pop.text('AccountPath')}: old POP mail, retire it once its mail is moved" \
           " (drag its mailboxes to the new account, or to On My Mac, then remove it in Mail's Accounts preferences)"
    added = f"the IMAP account added for {account.key}"
    holder = after.setdefault((host.lower(), user), added)
    if holder != added:
        notes.append(Note(account.key, "applemail", f"{holder} already reads {user} on {host}; {kept}"))
        return ops
    security, port = str(values.get("security", reading.security)), int(str(values.get("port", reading.port)))
    specials = {c.field.split(".", 1)[1]: c.new for c in changes if c.field.startswith("special.")}
    new: dict[str, object] = {
        "AccountName": (name or user).removesuffix(RETIRED), "AccountPath": _account_path(setup, pop, user, host),
        "AccountType": "IMAPAccount", "Hostname": host, "Username": user, "uniqueId": added_id(pop),
        **{key: pop.info[key] for key in _COPIED if key in pop.info},
        **dict(_connection(dict(pop.info), security, port, setup.string_ports)),
    }
    new.pop("ConfigureDynamically", None)
    smtp = pop.text("SMTPIdentifier")
    if smtp is not None:
        new["SMTPIdentifier"] = renamed.get(smtp, smtp)
    for key, role in SPECIAL_MAILBOXES.items():
        if role in specials:
            new[key] = specials[role]
    if "sent" in specials:
        new["StoreSentMessagesOnServer"] = "YES"
    if "drafts" in specials:
        new["StoreDraftsOnServer"] = "YES"
    ops.append(Append(pop.path[:1], dict(sorted(new.items()))))
    notes.append(Note(account.key, "applemail", (
        f"Mail cannot turn a POP account into IMAP (its mail would become an IMAP cache): a new IMAP account"
        f" {new['AccountName']!r} reads {user} on {host}, and {kept}")))
    notes.append(_keychain(account.key, user, host))
    return ops


def _account_path(setup: MailSetup, pop: MailDict, user: str, host: str) -> str:
    """``IMAP-user@host`` beside the POP account's folder, as Mail names an IMAP account's folder."""
    path = pop.text("AccountPath")
    folder = PurePosixPath(path).parent if path else PurePosixPath(setup.mail_folder)
    taken = {found.text("AccountPath") for found in setup.incoming + setup.retired}
    path, number = str(folder / f"IMAP-{user}@{host}"), 1
    while path in taken:
        number += 1
        path = str(folder / f"IMAP-{user}@{host}-{number}")
    return path


def _keychain(key: str, user: Optional[object], host: Optional[object]) -> Note:
    return Note(key, "applemail", f"Mail keeps passwords in the Keychain, not in this file: it asks once for the password"
                                  f" of {user} on {host}; the old server's Keychain item is left as it was")
