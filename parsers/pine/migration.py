"""Neutral changes made in a pinerc: each remote name rewritten where it stands."""
from __future__ import annotations

import re
from typing import NamedTuple
from typing import Optional

from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import folder_moves
from migrate.model import new_values
from parsers.pine.accounts import NO_CHECK
from parsers.pine.accounts import SSL_SWITCHES
from parsers.pine.accounts import Name
from parsers.pine.cclient import Spec
from parsers.pine.pinerc import Pinerc
from parsers.pine.pinerc import value_of

#: Switches that go: POP, forced secure login, no TLS, anonymous, another login, older TLS choices.
_DROPPED = frozenset({"pop3", "pop", "secure", "notls", "nostarttls", "anonymous", "authuser", "tryssl", "tls",
                      "starttls", "tls-sslv23", "norsh"}) | SSL_SWITCHES
_INBOX_COLLECTION = re.compile(r"(?i)INBOX[./]?(?=\[)")
_SECURITY = SSL_SWITCHES | {"tls", "starttls"}  #: where the new security switch is written, if one stood
TIMEOUTS = ("rsh-open-timeout", "ssh-open-timeout")


class _Target(NamedTuple):
    """One account's changes, read once for all its names: new values by side, folder renames."""

    values: dict[str, dict[str, object]]
    renames: dict[str, str]

    @classmethod
    def of(cls, changes: list[Change]) -> _Target:
        return cls({side: new_values(changes, side) for side in ("incoming", "outgoing")},
                   folder_moves(changes))


def new_spec(spec: Spec, account: Account, target: _Target) -> Spec:
    side = "outgoing" if spec.service == "smtp" else "incoming"
    endpoint = account.outgoing if side == "outgoing" else account.incoming
    assert endpoint is not None
    values = target.values[side]
    security = str(values.get("security", endpoint.security))
    port = int(str(values.get("port", endpoint.port)))
    user = values.get("username", endpoint.username)
    wanted = {"ssl": "ssl", "starttls": "tls"}.get(security)
    switches = _switches(spec, wanted, None if user is None else str(user), security)
    if "certificate" in values:
        switches = [switch for switch in switches if switch[0].lower() != NO_CHECK]
    renames = target.renames
    mailbox = _INBOX_COLLECTION.sub("", spec.mailbox) if "[" in spec.mailbox else renames.get(spec.mailbox, spec.mailbox)
    explicit = spec.port is not None or spec.service == "smtp"
    host = str(values.get("host", spec.host))
    return Spec(spec.lead, host, port if explicit else None, tuple(switches), mailbox, spec.braces)


def _switches(spec: Spec, wanted: Optional[str], user: Optional[str], security: str) -> list[tuple[str, Optional[str]]]:
    """The switches with the security and user ones set where they stood (new ones: security first,
    user last) and the obsolete ones dropped; the others keep their place and spelling."""
    switches: list[tuple[str, Optional[str]]] = []
    for name, value in spec.switches:
        lower = name.lower()
        if lower == "user":
            if user is not None:
                switches.append((name, user))
                user = None
        elif wanted is not None and lower in _SECURITY:
            switches.append((name, value) if lower == wanted else (wanted, None))
            wanted = None
        elif lower not in _DROPPED and not (lower == "service" and (value or "").lower() == "pop3") and not (
                spec.service == "smtp" and lower == "submit" and security == "ssl"):
            switches.append((name, value))
    return ([(wanted, None)] if wanted else []) + switches + ([("user", user)] if user is not None else [])


def rewrite(pinerc: Pinerc, names: list[Name], account: Account, changes: list[Change]) -> dict[int, str]:
    """New texts of the elements naming this account's server, by token."""
    texts: dict[int, str] = {}
    becomes_imap = any(c.field == "incoming.protocol" for c in changes)
    target = _Target.of(changes)
    for name in names:
        value = value_of(pinerc.tokens[name.element.index].text, name.element.variable)
        spec = str(new_spec(name.spec, account, target))
        if name.maildrop is not None and not becomes_imap:
            spec = name.maildrop.replace("{}", spec)  # a POP mail drop turns into the IMAP INBOX itself
        texts[name.element.index] = value.with_name(spec)
    return texts


def certificate_notes(account: Account, changes: list[Change]) -> list[Note]:
    return [Note(account.key, "pine", f"/{NO_CHECK} removed from the {change.field.split('.')[0]} server's names:"
                                      " Alpine now checks the service's certificate")
            for change in changes if change.field.endswith(".certificate")]


def timeouts(pinerc: Pinerc, notes: list[Note], account: Account) -> list[Edit]:
    """``rsh-open-timeout=0`` and ``ssh-open-timeout=0``: else each open first tries an rsh/ssh login."""
    edits = []
    present = {element.variable: element for element in pinerc.elements if element.variable in TIMEOUTS}
    missing = []
    for variable in TIMEOUTS:
        element = present.get(variable)
        if element is None:
            missing.append(variable)
        elif pinerc.tokens[element.index].text.strip() != "0":
            edits.append(Edit(element.index, element.index + 1, "0"))
    if missing:
        anchor = _after_inbox_path(pinerc)
        newline = "\r\n" if "\r\n" in pinerc.render() else "\n"
        lead = newline if anchor == len(pinerc.tokens) and not pinerc.render().endswith("\n") else ""
        edits.append(Edit(anchor, anchor, lead + "".join(f"{v}=0{newline}" for v in missing)))
    if edits:
        notes.append(Note(account.key, "pine", "rsh-open-timeout and ssh-open-timeout set to 0: otherwise every"
                                                " folder open first tries an rsh/ssh login to the server"))
    return edits


def _after_inbox_path(pinerc: Pinerc) -> int:
    """The token after the line of inbox-path, else the end of the file."""
    for name, index in pinerc.lines:
        if name == "inbox-path":
            end = index
            while end < len(pinerc.tokens) and pinerc.tokens[end].kind != "NL":
                end += 1
            return min(end + 1, len(pinerc.tokens))
    return len(pinerc.tokens)
