"""The rules' changes as settings of each personality's own section.

A personality of the service gets every setting it needs in its own section
(where Eudora would read anything else there), so that neither ``[Settings]``
nor an administrator's ``DEudora.ini`` can take it elsewhere: IMAP on
(``UsesIMAP=1``, ``UsesPOP=0``), ``PopServer``, ``LoginName`` and ``POPAccount``
(``login@server``, as Eudora makes it) agreeing, ``SSLReceiveUse=2`` with the
alternate port (or 3, STARTTLS required, on 143), the password login only,
``ImapDirectoryPrefix`` empty; ``SMTPServer``, ``SSLSendUse=2`` (or 3 with
``UseSubmissionPort`` for 587), ``SmtpAuthAllowed=1`` and ``SmtpAuthRequired=1``.

An alternate personality takes from ``[Settings]`` whatever its own section
lacks: when ``[Settings]`` changes, every other personality that took one of
its changed settings from there gets the value it had written into its own
section, so that it goes on working as before (``pinned``).
"""
from __future__ import annotations

from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import new_values
from parsers.eudora.accounts import FOLDER_KEYS
from parsers.eudora.accounts import banished
from parsers.eudora.accounts import folder_name
from parsers.eudora.accounts import incoming_of
from parsers.eudora.personalities import NEVER_INHERITED
from parsers.eudora.personalities import SWITCHES
from parsers.eudora.personalities import Personality
from parsers.eudora.personalities import number

Values = dict[str, str]  #: settings to write in one section, by Eudora's spelling of the key
_IMAP_OWN = frozenset({"authenticatekerberos", "authenticateapop"})  #: read from its own section by an IMAP personality
_PLAIN_AUTH = {"AuthenticatePassword": "1", "AuthenticateKerberos": "0", "AuthenticateAPOP": "0", "AuthenticateRPA": "0"}


def wanted(person: Personality, account: Account, changes: list[Change]) -> tuple[Values, list[Note]]:
    """The settings one personality's own section needs for these changes, and what people should know."""
    values: Values = {}
    notes: list[Note] = []
    incoming = new_values(changes, "incoming")
    if incoming:
        values.update(_incoming(person, account, incoming))
        notes += _incoming_notes(person, account, incoming)
    outgoing = new_values(changes, "outgoing")
    if outgoing and account.outgoing is not None:
        values.update(_outgoing(person, account, outgoing))
        if "username" in outgoing and "username" not in incoming:
            notes.append(Note(account.key, "eudora", "Eudora logs in to the outgoing server with the incoming login;"
                                                     " that login is not the service's, so it was left as it is"))
    if "POPAccount" in values and "SMTPServer" not in values and account.outgoing is not None and not (
            person.inherited("SMTPServer") or "").strip():
        values["SMTPServer"] = str(account.outgoing.host)  # it sent through POPAccount's server: it goes on doing so
    renamed = {str(change.old): str(change.new) for change in changes if change.field == "folder"}
    dropping = bool(incoming or renamed) and bool((person.written("ImapDirectoryPrefix") or "").strip())
    used = {folder.name for folder in account.folders}
    for key in FOLDER_KEYS:  # full names from now on: the prefix goes
        name = folder_name(person, key)
        if name in renamed or dropping and name in used:
            values[key] = renamed.get(name, name)
    if dropping:
        values["ImapDirectoryPrefix"] = ""
        notes.append(Note(account.key, "eudora", "ImapDirectoryPrefix emptied: the service keeps folders at the top level"))
    return {key: value for key, value in values.items() if not _reads_as(person, key, value)}, notes


def _reads_as(person: Personality, key: str, value: str) -> bool:
    """Whether every part of Eudora already reads ``key`` as ``value`` for this personality (a switch: on or off)."""
    readings = {person.own(key)} if key.lower() in NEVER_INHERITED else {person.own(key), person.inherited(key)}
    if key.lower() in SWITCHES:
        return {bool(number(reading)) for reading in readings} == {bool(number(value))}
    return readings == {value}


def _incoming(person: Personality, account: Account, new: dict[str, object]) -> Values:
    old = account.incoming
    host = str(new.get("host", old.host))
    login = new.get("username", old.username)
    security, port = new.get("security", old.security), int(str(new.get("port", old.port)))
    values = {"UsesIMAP": "1", "UsesPOP": "0", "PopServer": host}
    if login is not None:
        values.update(LoginName=str(login), POPAccount=f"{login}@{host}")
    if security == "ssl":
        values.update(SSLReceiveUse="2", SSLIMAPAlternatePort=str(port))
    elif security == "starttls":
        values["SSLReceiveUse"] = "3"
        if port != 143 or person.written("IMAPPort") is not None:
            values["IMAPPort"] = str(port)
    if "auth" in new:
        values.update(_PLAIN_AUTH)
    if "password" in new:
        values["SavePassword"] = "0"
        if person.written("SavePasswordText"):
            values["SavePasswordText"] = ""
    return values


def _outgoing(person: Personality, account: Account, new: dict[str, object]) -> Values:
    assert account.outgoing is not None
    old = account.outgoing
    security, port = new.get("security", old.security), int(str(new.get("port", old.port)))
    values = {"SMTPServer": str(new.get("host", old.host))}
    if security == "ssl":
        values.update(SSLSendUse="2", SSLSMTPAlternatePort=str(port))
    elif security == "starttls":
        values["SSLSendUse"] = "3"
        values["UseSubmissionPort"] = "1" if port == 587 else "0"
        values.update({"SubmissionPort": str(port)} if port == 587 else {"SMTPPort": str(port)})
    if "auth" in new:
        values.update(SmtpAuthAllowed="1", SmtpAuthRequired="1", UsePOPSend="0")
        if banished(person) & {"PLAIN", "LOGIN"}:
            kept = [w.strip() for w in (person.inherited("SmtpAuthBanished") or "").split(",")
                    if w.strip() and w.strip().upper() not in ("PLAIN", "LOGIN")]
            values["SmtpAuthBanished"] = ",".join(kept)
    return values


def _incoming_notes(person: Personality, account: Account, new: dict[str, object]) -> list[Note]:
    notes = []
    if new.get("protocol") == "imap" and not incoming_of(person).imap:
        notes.append(Note(account.key, "eudora", (
            "the personality becomes IMAP in place: the mail POP downloaded stays in Eudora's own mailboxes"
            " (In, Out, Trash and yours, in the data folder); at its next start Eudora makes the IMAP account and"
            " its cache folder under IMAP\\")))
    return notes


def pinned(people: list[Personality], changed: dict[str, Values]) -> dict[str, Values]:
    """For each alternate that took a setting from ``[Settings]`` that changes: that setting as it read
    it, for its own section (a saved password never moves).

    An IMAP personality reads its Kerberos and CRAM-MD5 switches from its own section only (its
    default when absent), while the network code reads them as ``GetIniString`` does: one value
    cannot keep both readings, and its login is what counts, so those two are not written for it.
    """
    dominant = next((p for p in people if p.is_dominant), None)
    changing = changed.get(dominant.key, {}) if dominant is not None else {}
    keys = [key for key in changing if key.lower() not in NEVER_INHERITED]
    pins: dict[str, Values] = {}
    for person in people:
        if person.is_dominant:
            continue
        mine = {k.lower() for k in changed.get(person.key, {})}
        imap = incoming_of(person).imap
        kept = {key: person.inherited(key) or "" for key in keys
                if person.written(key) is None and key.lower() not in mine and not (imap and key.lower() in _IMAP_OWN)}
        if kept:
            pins[person.key] = kept
    return pins


def pin_note(person: Personality, keys: list[str], account_key: str) -> Note:
    settings = ", ".join(f"{key}={person.inherited(key) or ''}" for key in keys)
    return Note(account_key, "eudora", f"personality {person.name!r} took {settings} from [Settings], which changes:"
                                       " written into its own section as it was, so that it works as before")

