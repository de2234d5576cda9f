"""The neutral view of a Mulberry preferences file: its IMAP, POP3 and SMTP accounts.

Values mean what Mulberry makes of them: the server splits at the first
``:`` (the port read as ``atoi`` does), the port defaults by TLS kind
(``CIMAPClient``/``CPOP3Client``/``CSMTPSender::GetDefaultPort``), and the TLS
token picks the connection (``CTLSSocket``): ``SSLv3`` is SSL/TLS on the
dedicated port with the version negotiated, ``SSLv3Real`` the same pinned to
SSL 3.0, ``TLSv1`` STARTTLS pinned to TLS 1.0 (``TLSv1_client_method``),
``TLSv1SSLHello`` STARTTLS with the version negotiated; anything else none.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Folder
from parsers.mulberry.layout import DEFAULT_UID
from parsers.mulberry.layout import KERBEROS
from parsers.mulberry.layout import KERBEROS_UID
from parsers.mulberry.layout import NAME
from parsers.mulberry.layout import PASSWORD
from parsers.mulberry.layout import SERVER
from parsers.mulberry.layout import TLS
from parsers.mulberry.layout import UID
from parsers.mulberry.layout import USER_PASSWORD
from parsers.mulberry.prefsfile import PrefsFile
from parsers.mulberry.records import Record
from parsers.mulberry.records import copy_to_atoms
from parsers.mulberry.records import mail_records
from parsers.mulberry.records import smtp_records
from parsers.mulberry.sexpr import SList

#: TLS token -> (security, pinned to a version the service refuses)
SECURITY = {"NoTLS": ("none", False), "SSLv3": ("ssl", False), "SSLv3Real": ("ssl", True),
            "TLSv1": ("starttls", True), "TLSv1SSLHello": ("starttls", False)}
#: What the migration writes for each security.
TLS_TOKEN = {"ssl": "SSLv3", "starttls": "TLSv1SSLHello", "none": "NoTLS"}
_PORTS = {("IMAP", True): 993, ("IMAP", False): 143, ("POP3", True): 995, ("POP3", False): 110,
          ("SMTP", True): 465, ("SMTP", False): 25}
_PROTOCOLS = {"IMAP": "imap", "POP3": "pop3", "SMTP": "smtp"}
_AUTH = {"Plain Text": "plain", "None": "none", "SSL Client Certificate": "external", "": "none"}
#: A hierarchy shown that is the old server's INBOX itself (its personal namespace).
_ROOT_INBOX = re.compile(r"(?i)INBOX[./][*%]?")
#: The top level, as Mulberry names the hierarchy of an empty namespace.
ROOT = "%"
_WILDCARD = re.compile(r"[%*]")

def default_port(kind: str, security: Optional[str]) -> int:
    return _PORTS[kind, security == "ssl"]


def tls_of(prefs: PrefsFile, record: Record) -> str:
    at = record.atom(TLS)
    return prefs.text(at) if at is not None else "NoTLS"


def display(text: str) -> str:
    """A name as Mulberry shows it: UTF-8 if it is, else ISO-8859-15 (``ConvertToOS``)."""
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("iso8859_15")


def name_of(prefs: PrefsFile, record: Record) -> str:
    return prefs.text(record.common.items[NAME])  # type: ignore[arg-type]


def endpoint(prefs: PrefsFile, record: Record) -> Endpoint:
    server = prefs.text(record.common.items[SERVER])  # type: ignore[arg-type]
    host, colon, port = server.partition(":")
    security, outdated = SECURITY.get(tls_of(prefs, record), ("none", False))
    digits = re.match(r"\s*([-+]?\d+)", port)  # atoi: no number is port 0
    number = int(digits.group(1)) if digits else 0
    auth = record.auth
    username = has_password = None
    if auth.descriptor in USER_PASSWORD:
        username = _text_or_none(prefs, auth.at(UID))
        has_password = bool(_text_or_none(prefs, auth.at(PASSWORD)))
    elif auth.descriptor in KERBEROS and not _true(prefs, auth.at(DEFAULT_UID)):
        username = _text_or_none(prefs, auth.at(KERBEROS_UID))
    return Endpoint(
        protocol=_PROTOCOLS[record.kind], host=host, port=number if colon else default_port(record.kind, security),
        security=security, tls_outdated=outdated, auth=_AUTH.get(auth.descriptor, auth.descriptor.lower()),
        username=username, has_password=bool(has_password))


def _text_or_none(prefs: PrefsFile, at: Optional[int]) -> Optional[str]:
    return (prefs.text(at) or None) if at is not None else None


def _true(prefs: PrefsFile, at: Optional[int]) -> bool:
    return at is not None and prefs.text(at).lower() == "true"


def wd_names(prefs: PrefsFile, record: Record) -> list[tuple[SList, int, str]]:
    """Each hierarchy shown: its list, its name's token and name."""
    wds = record.wds
    found = []
    for wd in wds.items if wds is not None else ():
        name = wd.items[0] if isinstance(wd, SList) and wd.items else None
        if isinstance(name, int):
            found.append((wd, name, prefs.text(name)))
    return found


def wd_folder(name: str) -> Optional[str]:
    """What a hierarchy shown stands for, to the rules: ``INBOX.`` as the names it lists (``INBOX.%``, the top
    level once INBOX goes), a hierarchy by its prefix (``INBOX.Lists.``); ``None`` for any other pattern."""
    if _ROOT_INBOX.fullmatch(name):
        return name if name.endswith(("%", "*")) else name + ROOT
    return None if _WILDCARD.search(name) else name


def copies_to(prefs: PrefsFile) -> dict[str, list[tuple[int, str]]]:
    """Account name -> the identities' copy-to atoms naming a mailbox of it, with that mailbox (read once, not
    per account: a file can have hundreds of each)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for at in copy_to_atoms(prefs):
        account, colon, mailbox = prefs.text(at).partition(":")
        if colon and mailbox:
            found.setdefault(account, []).append((at, mailbox))
    return found


def mail_account(prefs: PrefsFile, record: Record, line: int, copies: dict[str, list[tuple[int, str]]]) -> Optional[Account]:
    if record.kind not in ("IMAP", "POP3"):
        return None  # local mailboxes, or a type this tool does not know
    name = name_of(prefs, record)
    incoming = endpoint(prefs, record)
    folders: tuple[Folder, ...] = ()
    subscribed_only = None
    keeps = False
    if record.kind == "IMAP":
        names = [wd for _, _, wd in wd_names(prefs, record)]
        folders = tuple(Folder("mailbox", folder) for folder in map(wd_folder, names) if folder is not None)
        folders += tuple(Folder("sent", mailbox) for _, mailbox in copies.get(name, ()))
        subscribed_only = not names  # no hierarchy shown: only the Subscribed list
    else:
        keeps = _true(prefs, record.specific_atom(2))
    kind = "IMAP" if record.kind == "IMAP" else "POP"
    return Account(record.key, f"{kind} account {display(name)!r} (Mulberry)", line, incoming, folders=folders,
                   subscribed_only=subscribed_only, keeps_mail_on_server=keeps)


def smtp_account(prefs: PrefsFile, record: Record, line: int, reader: Optional[str]) -> Optional[Account]:
    """An SMTP account; one that logs in as nobody is taken to send as ``reader`` once it must log in."""
    if record.kind != "SMTP":
        return None
    outgoing = endpoint(prefs, record)
    if outgoing.username is None and reader is not None and outgoing.auth == "none":
        outgoing = dataclasses.replace(outgoing, username=reader)
    return Account(record.key, f"SMTP account {display(name_of(prefs, record))!r} (Mulberry)", line, Endpoint(),
                   outgoing=outgoing)


def logins(prefs: PrefsFile) -> tuple[dict[str, set[str]], set[str]]:
    """The logins of the mail accounts: by their server's domain (``imap.example.org`` -> ``example.org``), and
    all of them (found once, not per SMTP account: a file can have hundreds of each)."""
    by_domain: dict[str, set[str]] = {}
    every: set[str] = set()
    for found in (endpoint(prefs, record) for record in mail_records(prefs) if record.kind in ("IMAP", "POP3")):
        if found.username:
            every.add(found.username)
            by_domain.setdefault((found.host or "").lower().partition(".")[2], set()).add(found.username)
    return by_domain, every


def reading_user(logins: tuple[dict[str, set[str]], set[str]], smtp_host: str) -> Optional[str]:
    """Who an SMTP account that logs in as nobody sends as: the login of the mail accounts (``logins``) in the
    SMTP server's domain (``smtp.example.org`` -> ``example.org``), else the one login of every mail account."""
    by_domain, every = logins
    domain = smtp_host.lower().partition(".")[2]
    found = (by_domain.get(domain) if domain else None) or every
    return next(iter(found)) if len(found) == 1 else None


def replacement(name: str) -> str:
    """The name of the IMAP account that stands in for POP account ``name``."""
    return f"{name} (IMAP)"


def accounts(prefs: PrefsFile) -> list[Account]:
    """The IMAP, POP3 and SMTP accounts; a POP account whose IMAP account was added is done with (it stays
    in the file, for its mail, but is no account of the service any more)."""
    mail = mail_records(prefs)
    names = {name_of(prefs, record) for record in mail}
    copies = copies_to(prefs)
    found = [mail_account(prefs, record, _line(prefs, record), copies) for record in mail
             if not (record.kind == "POP3" and replacement(name_of(prefs, record)) in names)]
    readers = logins(prefs)
    for record in smtp_records(prefs):
        host = prefs.text(record.common.items[SERVER]).partition(":")[0]  # type: ignore[arg-type]
        found.append(smtp_account(prefs, record, _line(prefs, record), reading_user(readers, host)))
    return [account for account in found if account is not None]


def _line(prefs: PrefsFile, record: Record) -> int:
    return prefs.where(record.whole.open)[0]
