"""Proof against the real service: log in with each account's settings as its client reads them.

For every account of the service: connect the way the client would (the
certificate checked), log in to the incoming server and to the outgoing one
separately, list the folders, and look for each folder the setup names.
Nothing is written; mail is sent only to an address given for the purpose.
"""
from __future__ import annotations

import contextlib
import dataclasses
import imaplib
import poplib
import re
import smtplib
import ssl
from email.message import EmailMessage
from typing import Callable
from typing import Optional

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import PATTERN
from migrate.policy import Policy
from migrate.rules import sides

#: a name and its password, asked for once per name; never shown
Passwords = Callable[[str], str]
_LIST_LINE = re.compile(r'\((?P<flags>[^)]*)\) (?P<separator>NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)')


@dataclasses.dataclass(frozen=True)
class Check:
    what: str  #: e.g. ``imap login ab@lboro.ac.uk``
    ok: bool
    detail: str = ""  #: the exact failure, or what was found


@dataclasses.dataclass(frozen=True)
class Verified:
    path: str
    client: str
    account: str  #: the account's label
    server: str  #: ``host:port``, as the client reads it
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclasses.dataclass(frozen=True)
class Settings:
    passwords: Passwords
    tls: ssl.SSLContext
    timeout: float = 15.0
    send_test: Optional[str] = None  #: an address to send a test message to


def of_service(account: Account, policy: Policy) -> bool:
    return any(True for _ in sides(account, policy)) or _pop_only(account, policy)


def _pop_only(account: Account, policy: Policy) -> bool:
    """An account of the service whose program reads only POP (mpop): tried as it reads, to show it cannot."""
    return account.pop_only and policy.matches(account.incoming.host)


def verify_account(account: Account, path: str, client: str, policy: Policy, settings: Settings) -> Verified:
    """The checks of the account's servers that belong to the service (the others are not ours to try)."""
    checks, servers = [], []
    if _pop_only(account, policy):
        checks += _pop(account.incoming, _login(account.incoming, account), settings)
        servers.append(f"{account.incoming.host}:{account.incoming.port}")
    for side in sides(account, policy):
        if side.name == "incoming":
            checks += _incoming(side.endpoint, _login(side.endpoint, account), account, settings)
        else:
            checks += _outgoing(side.endpoint, _login(side.endpoint, account) or _login(account.incoming, account),
                                policy, settings)
        servers.append(f"{side.endpoint.host}:{side.endpoint.port}")
    return Verified(path, client, account.label, ", ".join(servers), tuple(checks))


def _login(endpoint: Endpoint, account: Account) -> str:
    return endpoint.username or account.local_user or ""


def _incoming(endpoint: Endpoint, user: str, account: Account, settings: Settings) -> list[Check]:
    if endpoint.protocol == "pop3":
        return _pop(endpoint, user, settings)
    if endpoint.protocol != "imap":
        return [Check(f"{endpoint.protocol} to {endpoint.host}", False, "not a protocol verify knows (imap, pop3)")]
    host, port, tls, timeout = endpoint.host, endpoint.port, settings.tls, settings.timeout
    imap, connected = _connect(
        endpoint, "imap", lambda: imaplib.IMAP4_SSL(host, port, ssl_context=tls, timeout=timeout),
        lambda: imaplib.IMAP4(host, port, timeout=timeout), lambda client: client.starttls(ssl_context=tls),
        imaplib.IMAP4.error)
    checks = [connected]
    if imap is None:
        return checks
    try:
        try:
            imap.login(user, settings.passwords(user))
        except (OSError, imaplib.IMAP4.error) as error:
            return checks + [Check(f"imap login {user}", False, _reason(error))]
        checks.append(Check(f"imap login {user}", True))
        status, lines = imap.list()
        if status != "OK":
            return checks + [Check("list folders", False, _reason(lines))]
        separator, names = _folders(lines)
        checks.append(Check("list folders", True, f"{len(names)} folders"))
        for folder in account.folders:
            if folder.role == PATTERN:  # names what it selects, if anything is there: nothing to look for
                continue
            name = folder.name
            if folder.separator and separator and folder.separator != separator:
                name = name.replace(folder.separator, separator)
            if separator and len(name) > len(separator) and name.endswith(separator):
                name = name[: -len(separator)]  # a hierarchy named by its prefix (Mulberry's ``Lists/``): the folder
            found = name.upper() == "INBOX" or name in names
            checks.append(Check(f"folder {name!r} ({folder.role})", found, "" if found else "not on the server"))
        imap.logout()
    except (OSError, imaplib.IMAP4.error) as error:
        checks.append(Check(f"imap session {user}", False, _reason(error)))
    finally:
        with contextlib.suppress(OSError):
            imap.shutdown()
    return checks


def _connect(endpoint: Endpoint, protocol: str, secure: Callable, plain: Callable, upgrade: Callable,
             errors: type) -> tuple:
    """A client connected as ``endpoint`` says (SSL, STARTTLS or in the clear), and the check that says so."""
    what = f"connect {protocol} {endpoint.host}:{endpoint.port} ({endpoint.security})"
    try:
        if endpoint.security == "ssl":
            client = secure()
        else:
            client = plain()
            if endpoint.security == "starttls":
                upgrade(client)
    except (OSError, errors) as error:
        return None, Check(what, False, _reason(error))
    return client, Check(what, True, _tls_words(client.sock))


def _folders(lines: list) -> tuple[Optional[str], set[str]]:
    """The hierarchy separator and the folder names of a LIST answer."""
    separator, names = None, set()
    for line in lines:
        if isinstance(line, tuple):  # a name sent as a literal
            head, literal = line
            found = _LIST_LINE.match(head.decode("utf-8", "replace") + '""')
            name = literal.decode("utf-8", "replace")
        else:
            found = _LIST_LINE.match(line.decode("utf-8", "replace")) if line else None
            name = _unquote(found.group("name")) if found else ""
        if found is None:
            continue
        if found.group("separator") != "NIL":
            separator = _unquote(found.group("separator"))
        names.add(name)
    return separator, names


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _pop(endpoint: Endpoint, user: str, settings: Settings) -> list[Check]:
    host, port, tls, timeout = endpoint.host, endpoint.port, settings.tls, settings.timeout
    pop, connected = _connect(
        endpoint, "pop3", lambda: poplib.POP3_SSL(host, port, context=tls, timeout=timeout),
        lambda: poplib.POP3(host, port, timeout=timeout), lambda client: client.stls(context=tls), poplib.error_proto)
    checks = [connected]
    if pop is None:
        return checks
    try:
        pop.user(user)
        pop.pass_(settings.passwords(user))
        checks.append(Check(f"pop3 login {user}", True))
        pop.quit()
    except (OSError, poplib.error_proto) as error:
        checks.append(Check(f"pop3 login {user}", False, _reason(error)))
    finally:
        pop.close()
    return checks


def _outgoing(endpoint: Endpoint, user: str, policy: Policy, settings: Settings) -> list[Check]:
    host, port, tls, timeout = endpoint.host, endpoint.port, settings.tls, settings.timeout
    smtp, connected = _connect(
        endpoint, "smtp", lambda: smtplib.SMTP_SSL(host, port, context=tls, timeout=timeout),
        lambda: smtplib.SMTP(host, port, timeout=timeout), lambda client: client.starttls(context=tls), smtplib.SMTPException)
    checks = [connected]
    if smtp is None:
        return checks
    try:
        try:
            smtp.login(user, settings.passwords(user))
        except (OSError, smtplib.SMTPException) as error:
            return checks + [Check(f"smtp login {user}", False, _reason(error))]
        checks.append(Check(f"smtp login {user}", True))
        if settings.send_test:
            sender = user if "@" in user else f"{user}@{policy.domain}"
            smtp.send_message(_test_message(sender, settings.send_test))
            checks.append(Check(f"send a test message to {settings.send_test}", True))
        smtp.quit()
    except (OSError, smtplib.SMTPException) as error:
        checks.append(Check(f"smtp session {user}", False, _reason(error)))
    finally:
        smtp.close()
    return checks


def _test_message(sender: str, to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "mailmigrate verify: test message"
    message.set_content("Sent by 'mailmigrate verify --send-test' to show this account can send mail.\n")
    return message


def _tls_words(sock: object) -> str:
    if isinstance(sock, ssl.SSLSocket):
        return f"{sock.version()}, certificate verified"
    return "no encryption"


def _reason(error: object) -> str:
    """One line for a failure: the server's own words where it sent any."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate refused: {error.verify_message}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_reason(error.smtp_error)}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (nothing listens there)"
    elif isinstance(error, OSError):
        error = error.strerror or str(error)
    elif isinstance(error, list):
        error = b" ".join(part for part in error if isinstance(part, bytes))
    elif isinstance(error, Exception) and error.args:
        error = error.args[0]
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return " ".join(text.split()) or "no reason given"
