"""A second reader of Mulberry preference files, the oracle for the Mulberry parser's output.

No Mulberry runs on Debian, so this reader is written from Mulberry's own
source (``mbert/mulberry-main``), read for its semantics and shares no code
with ``parsers/mulberry``: it reads the file the way Mulberry does, as a
stream, not as a tree.  ``CFileOptionsMap::ReadMap`` (lines end at CR or LF,
``strtok`` key and value, the first of a key kept), ``char_stream`` (``get``,
``start_sexpression``, ``end_sexpression``, ``test_end_sexpression``, the put-back
character), ``COptionsMap::ReadValue(CINETAccountList)``, the ``SetInfo`` of
``CMailAccount``, ``CSMTPAccount``, ``CINETAccount``, ``CAuthenticator`` (user and
password, Kerberos, none), ``prefsvector<CDisplayItem>``, ``CFutureItems`` and
``CIdentity`` (Mulberry 2.0 and later), then how a connection is made:
``CTCPSocket::TCPSpecifyRemoteName`` (``host:port``, ``atoi``), the clients'
``GetDefaultPort``, ``CINETClient::Logon`` (SSL first, or STARTTLS) and
``CTLSSocket`` (which TLS versions each choice allows).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

_BREAK = ' "%()\\{}'
_ESCAPES = {"a": "\a", "\\": "\\", "b": "\b", "r": "\r", '"': '"', "f": "\f", "t": "\t", "n": "\n", "0": "\0",
            "'": "'", "v": "\v"}
_TLS = ("NoTLS", "SSLv3", "SSLv3Real", "TLSv1", "TLSv1SSLHello")
_USER_PASSWORD_PLUGINS = ("CRAM-MD5", "DIGEST-MD5")
_KERBEROS_PLUGINS = ("Kerberos V4", "GSSAPI")
_PORTS = {"IMAP": (143, 993), "POP3": (110, 995), "SMTP": (25, 465)}


class Stalled(ValueError):
    """Mulberry would loop for ever, or read past the end, here."""


class Stream:
    """``char_stream``: a position in the text and the character put back after an atom."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def _spaces(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    def get(self) -> Optional[str]:
        self._spaces()
        if self.at >= len(self.text):
            return None
        if self.text[self.at] == '"':
            end = self.at + 1
            while end < len(self.text) and self.text[end] != '"':
                end += 2 if self.text[end] == "\\" else 1
            if end >= len(self.text):
                return None  # "nothing left so error"
            found, self.at = _unescape(self.text[self.at + 1: end]), end + 1
            return found
        end = next((i for i in range(self.at, len(self.text)) if self.text[i] in _BREAK), len(self.text))
        found = self.text[self.at: end]  # "" at a break: nothing is consumed, the break is put back
        self.at = end + 1 if end < len(self.text) and self.text[end] == " " else end  # any other break is put back
        return found

    def get_bool(self, default: bool = False) -> bool:
        found = self.get()
        return default if found is None else found.lower() == "true"

    def start(self) -> bool:
        self._spaces()
        if self.at >= len(self.text) or self.text[self.at] != "(":
            return False
        self.at += 1
        if self.at < len(self.text) and self.text[self.at] == ")":
            self.at += 1
            return False
        return True

    def end(self) -> bool:
        self._spaces()
        if self.at < len(self.text) and self.text[self.at] == ")":
            self.at += 1
            return True
        return self.at >= len(self.text)

    def at_end(self) -> bool:
        self._spaces()
        return self.at >= len(self.text) or self.text[self.at] == ")"

    def skip(self) -> None:
        """To the ``)`` that closes the list being read, over nested lists."""
        depth = 0
        while True:
            self._spaces()
            if self.at >= len(self.text):
                return
            char = self.text[self.at]
            if char == ")" and not depth:
                return
            if char in "()":
                depth += 1 if char == "(" else -1
                self.at += 1
            else:
                self.get()

    def future(self) -> list[str]:
        items = []
        while not self.at_end():
            before = self.at
            found = self.get()
            if self.at == before:
                raise Stalled(f"no progress at {before}")
            items.append(found or "")
        return items


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], ""))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out).split("\0")[0]


def read_map(data: bytes) -> dict[str, str]:
    """``CFileOptionsMap::ReadMap`` as built for Unix and Mac OS (``PREFS_USE_LSTREAM``)."""
    found: dict[str, str] = {}
    for line in re.split(r"[\r\n]", data.decode("utf-8", "surrogateescape")):
        stripped = line.lstrip("=")
        if not stripped:
            continue
        key, _, value = stripped.partition("=")
        found.setdefault(key, value)
    return found


@dataclasses.dataclass
class Connection:
    """One account as Mulberry uses it."""

    name: str
    type: str
    server: str
    host: str
    port: int
    security: str  #: ``ssl`` (TLS before the protocol), ``starttls`` or ``none``
    versions: str  #: the TLS versions offered: ``negotiated``, ``SSL 3.0 only``, ``TLS 1.0 only``, ``-``
    authenticator: str
    uid: Optional[str] = None
    password: str = ""  #: as stored (obfuscated), kept only when save-password is on
    wds: list[tuple[str, bool, bool]] = dataclasses.field(default_factory=list)
    delimiter: str = ""
    logon_at_start: bool = False
    leave_on_server: bool = False
    cwd: str = ""
    tied_identity: str = ""
    future: list[str] = dataclasses.field(default_factory=list)


def _inet(stream: Stream) -> Connection:
    name, kind, server = stream.get() or "", stream.get() or "Unknown", stream.get() or ""
    logon = stream.get_bool()
    account = Connection(name, kind, server, "", 0, "none", "-", "", logon_at_start=logon)
    if stream.start():
        if stream.start():
            _authenticator(stream, account)
            stream.end()
        stream.end()
    stream.start()
    account.cwd = stream.get() or ""
    stream.get_bool()
    stream.get_bool()
    stream.end()
    tls = stream.get()
    index = _TLS.index(tls) if tls in _TLS else 0
    if stream.get() is not None:
        stream.get()
    account.future = stream.future()
    host, colon, port = server.partition(":")
    defaults = _PORTS.get(kind, (0, 0))
    default = defaults[1] if index in (1, 2) else defaults[0]
    digits = re.match(r"\s*([-+]?\d+)", port)
    account.host = host
    account.port = (int(digits.group(1)) if digits else 0) if colon else default
    account.security = "ssl" if index in (1, 2) else "starttls" if index in (3, 4) else "none"
    account.versions = {0: "-", 1: "negotiated", 2: "SSL 3.0 only", 3: "TLS 1.0 only", 4: "negotiated"}[index]
    return account


def _authenticator(stream: Stream, account: Connection) -> None:
    descriptor = stream.get()
    if not descriptor:
        return
    account.authenticator = descriptor
    if descriptor in ("Plain Text", "SSL Client Certificate") or descriptor in _USER_PASSWORD_PLUGINS:
        account.uid = stream.get()
        password = stream.get() or ""
        stream.get_bool()
        save = stream.get_bool()
        account.password = password if save else ""
    elif descriptor in _KERBEROS_PLUGINS:
        stream.get_bool()
        stream.get()
        default_uid = stream.get_bool()
        uid = stream.get()
        account.uid = None if default_uid else uid
    stream.future()


def _wds(stream: Stream) -> list[tuple[str, bool, bool]]:
    found: list[tuple[str, bool, bool]] = []
    if not stream.start():
        return found
    while stream.start():
        found.append((stream.get() or "", stream.get_bool(), stream.get_bool()))
        stream.end()
    stream.end()
    return found


def _mail(stream: Stream) -> Connection:
    stream.start()
    account = _inet(stream)
    stream.end()
    stream.start()
    if account.type == "IMAP":
        account.delimiter = (stream.get() or "")[:1]
        stream.get_bool()
        account.wds = _wds(stream)
        stream.get_bool()
    elif account.type in ("POP3", "Local"):
        account.wds = _wds(stream)
        stream.get()
        if account.type == "POP3":
            account.leave_on_server = stream.get_bool()
            for _ in range(6):
                stream.get()
    for _ in range(4):
        stream.get_bool()
    account.tied_identity = stream.get() or ""
    account.future += stream.future()
    stream.end()
    return account


def _smtp(stream: Stream) -> Connection:
    stream.start()
    account = _inet(stream)
    stream.end()
    if stream.start():
        stream.future()
        stream.end()
    return account


def accounts(data: bytes) -> list[Connection]:
    """Every mail and SMTP account of the file, as Mulberry reads them."""
    values = read_map(data)
    found = []
    for key, read in (("Preferences.Accounts.Mail Accounts v2", _mail), ("Preferences.Accounts.SMTP Accounts v2_0", _smtp)):
        stream = Stream(values.get(key, ""))
        if stream.start():
            while stream.start():
                found.append(read(stream))
                stream.end()
            stream.end()
    return found


def copies_to(data: bytes) -> list[str]:
    """Each identity's copy-to mailbox (``CIdentity::SetInfo``, Mulberry 2.0 and later)."""
    stream = Stream(read_map(data).get("Preferences.Identities.List v2_0", ""))
    found = []
    if stream.start():
        while stream.start():
            for _ in range(3):
                stream.get()
            for _ in range(3):
                stream.get()
                stream.get_bool()
            found.append(stream.get() or "")
            stream.skip()  # the rest of the identity, its DSN list included
            stream.end()
        stream.end()
    return found
