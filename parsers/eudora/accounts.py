"""The account of each personality as Eudora connects with it (Eudora for Windows 7.1 source).

Reading: IMAP when the personality's own ``UsesIMAP`` is on
(``CPersonality::IsImapPersona``), else POP.  An IMAP personality's server is
its own ``PopServer`` (cut at a ``:``, whose tail is the port when there is no
``IMAPPort``), its login its own ``LoginName``; CRAM-MD5 (``AuthenticateAPOP``)
or Kerberos when its own switch says so (``ImapAccount.cpp``).  A POP
personality connects as ``POPAccount`` says, ``login@server`` split at the
last ``@`` (``POPSession.cpp``), with APOP, RPA or Kerberos when switched on.
``SSLReceiveUse``: 0 never, 1 STARTTLS if the server offers it (no
protection), 2 SSL on the alternate port (``SSLIMAPAlternatePort``, 993, or
``SSLPOPAlternatePort``, 995: ``proto.cpp``, ``POPSession.cpp``), 3 STARTTLS
required.

Sending: ``SMTPServer``, else the server of ``POPAccount`` (which Eudora's settings
keep as ``LoginName@PopServer``: for an IMAP personality without one, its server).  ``SSLSendUse`` as
above, SSL on ``SSLSMTPAlternatePort`` (465); otherwise port 587 with the
personality's own ``UseSubmissionPort``, else ``SMTPPort`` (25).  Eudora logs
in to it (``SmtpAuthAllowed``; ``SmtpAuthRequired``: refuse to send without)
with the incoming login and password; ``UsePOPSend`` sends through the POP
server instead (XTND XMIT), without SMTP AUTH: that server is then the outgoing one.
"""
from __future__ import annotations

from typing import NamedTuple
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.eudora.personalities import Personality
from parsers.eudora.personalities import number

_SECURITY = {0: "none", 1: "none", 2: "ssl", 3: "starttls"}  #: 1 is "if available": no guarantee
#: Special mailboxes an IMAP personality names on the server, and the switch that has Eudora use it
#: (the trash only with "move deleted messages to the trash"; the junk mailbox whenever it is named).
FOLDER_KEYS = {"TrashMailboxName": ("trash", "TransferToTrashOnDelete"), "JunkMailboxName": ("junk", None)}
_PLAIN_MECHANISMS = frozenset({"PLAIN", "LOGIN"})


class Incoming(NamedTuple):
    """Where and as whom a personality reads mail, as Eudora takes it from the file."""

    imap: bool
    host: Optional[str]
    login: Optional[str]
    port_in_server: Optional[int]  #: an IMAP ``PopServer`` of ``host:port``


def incoming_of(person: Personality) -> Incoming:
    if number(person.own("UsesIMAP")):
        server = (person.own("PopServer") or "").strip()
        host, colon, port = server.partition(":")
        login = (person.own("LoginName") or "").strip()
        return Incoming(True, host.strip() or None, login or None, (number(port) or None) if colon else None)
    login, at, host = (person.inherited("POPAccount") or "").strip().rpartition("@")
    return Incoming(False, host.strip() or None, login if at and login else None, None)


def account(person: Personality) -> Optional[Account]:
    """The personality's account; ``None`` when it names no server at all."""
    reading = incoming_of(person)
    sending = sending_host(person, reading)
    if reading.host is None and sending is None:
        return None
    incoming = _incoming(person, reading)
    outgoing = _outgoing(person, sending, incoming.username) if sending else None
    folders = tuple(Folder(role, name) for key, (role, switch) in FOLDER_KEYS.items()
                    if (switch is None or number(person.own(switch))) and (name := folder_name(person, key)) is not None)
    where = "the dominant personality" if person.is_dominant else f"personality {person.name!r}"
    return Account(person.key, f"{'IMAP' if reading.imap else 'POP'} account of {where}", person.line, incoming, outgoing,
                   folders, keeps_mail_on_server=not reading.imap and bool(number(person.inherited("LeaveMailOnServer"))))


def sending_host(person: Personality, reading: Incoming) -> Optional[str]:
    if number(person.inherited("UsePOPSend")):
        return reading.host
    return ((person.inherited("SMTPServer") or "").strip() or (person.inherited("POPAccount") or "").rpartition("@")[2].strip()
            or reading.host)


def _incoming(person: Personality, reading: Incoming) -> Endpoint:
    use = number(person.inherited("SSLReceiveUse"))
    if reading.imap:
        port = (number(person.inherited("SSLIMAPAlternatePort")) if use == 2 else
                number(person.written("IMAPPort")) or reading.port_in_server or 143)
        auth = "gssapi" if number(person.own("AuthenticateKerberos")) else (
            "cram-md5" if number(person.own("AuthenticateAPOP")) else "plain")
    else:
        port = number(person.inherited("SSLPOPAlternatePort")) if use == 2 else number(person.inherited("POPPort")) or 110
        auth = next((name for key, name in (("AuthenticateKerberos", "kerberos"), ("AuthenticateAPOP", "apop"),
                                            ("AuthenticateRPA", "rpa")) if number(person.inherited(key))), "plain")
    return Endpoint(protocol="imap" if reading.imap else "pop3", host=reading.host, port=port,
                    security=_SECURITY.get(use, "none"), auth=auth, username=reading.login,
                    has_password=bool(person.written("SavePasswordText")))


def _outgoing(person: Personality, host: str, login: Optional[str]) -> Endpoint:
    use = number(person.inherited("SSLSendUse"))
    if use == 2:
        port = number(person.inherited("SSLSMTPAlternatePort"))
    elif number(person.own("UseSubmissionPort")):
        port = number(person.inherited("SubmissionPort"))
    else:
        port = number(person.inherited("SMTPPort")) or 25
    return Endpoint(protocol="smtp", host=host, port=port, security=_SECURITY.get(use, "none"),
                    auth=smtp_auth(person), username=login)


def smtp_auth(person: Personality) -> str:
    """``plain`` when Eudora always logs in and may do it with a password (PLAIN or LOGIN); ``any``
    when it logs in only if the server offers it; ``none`` when it never does."""
    if number(person.inherited("UsePOPSend")) or not number(person.inherited("SmtpAuthAllowed")):
        return "none"
    if _PLAIN_MECHANISMS <= banished(person):
        return "cram-md5"
    return "plain" if number(person.inherited("SmtpAuthRequired")) else "any"


def banished(person: Personality) -> set[str]:
    """The SASL mechanisms ``SmtpAuthBanished`` forbids, upper-case."""
    return {word.strip().upper() for word in (person.inherited("SmtpAuthBanished") or "").split(",") if word.strip()}


def folder_name(person: Personality, key: str) -> Optional[str]:
    """A special mailbox's full name on the server, as set; ``None`` when unset.

    ``ImapAccount.cpp``: the personality's own value, else ``GetIniString``'s, under the
    ``ImapDirectoryPrefix`` (a trash name that starts with it already, as older Eudoras wrote it,
    is taken whole).
    """
    name = (person.written(key) or "").strip() or (
        (person.dominant.get(key) if person.dominant is not None else None) or "").strip()
    if not name:
        return None
    prefix = (person.own("ImapDirectoryPrefix") or "").strip()
    return name if key == "TrashMailboxName" and name.startswith(prefix) else prefix + name
