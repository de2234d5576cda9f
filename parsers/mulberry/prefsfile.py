"""A Mulberry preferences file (``.mbp``) as Mulberry reads it, every byte kept.

One ``key=value`` a line (``CFileOptionsMap``): a line ends at CR or LF, the
key is what stands before the first ``=`` (leading ``=`` skipped), the value
all after it; of a key written twice the first counts.  Keys are section paths
(``Preferences.Accounts.Mail Accounts v2``).  The values this tool reads, the
mail and SMTP account lists and the identities, are split into tokens
(``sexpr``), and so is every other account list (address books, remote
preferences, SIEVE, calendars), only to keep the passwords they save out of
sight: one Mulberry cannot read is kept whole and shown as a password.  Every
other line stays one token.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from typing import Optional

from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.errors import ParseError
from parsers.mulberry import sexpr
from parsers.mulberry.layout import AUTH
from parsers.mulberry.layout import KERBEROS
from parsers.mulberry.layout import PASSWORD
from parsers.mulberry.sexpr import SList
from parsers.mulberry.sexpr import item

MAIL_ACCOUNTS = "Preferences.Accounts.Mail Accounts v2"
SMTP_ACCOUNTS = "Preferences.Accounts.SMTP Accounts v2_0"
IDENTITIES = "Preferences.Identities.List v2_0"
READ = (MAIL_ACCOUNTS, SMTP_ACCOUNTS, IDENTITIES)
#: The last part of the key of any list of accounts (``COptionsMap::ReadValue(CINETAccountList)``).
_ACCOUNT_LIST = re.compile(r"(?:^|\.)[^.]*(?:Accounts|Address Books|Calendar)[^.]*$")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_KEY = re.compile(r"=*([^=]*)=?")


@dataclasses.dataclass(frozen=True)
class Entry:
    """One ``key=value`` line."""

    key: str
    line: int  #: 1-based
    first: int  #: its first token
    end: int  #: the token after its text (its newline, if any)
    tree: Optional[SList] = None  #: the value's list, for the keys this tool reads


@dataclasses.dataclass(frozen=True)
class PrefsFile(FileDocument):
    entries: tuple[Entry, ...] = ()

    def entry(self, key: str) -> Optional[Entry]:
        """The line Mulberry reads for ``key`` (the first of that key)."""
        return next((entry for entry in self.entries if entry.key == key), None)

    def tree(self, key: str) -> Optional[SList]:
        found = self.entry(key)
        return found.tree if found is not None else None

    def where(self, index: int) -> tuple[int, int]:
        """The line and column of a token as Mulberry counts lines (a CR ends one too)."""
        entry = self.entries[bisect.bisect_right(self._firsts, index) - 1]
        return entry.line, self.offset(index) - self.offset(entry.first) + 1

    @functools.cached_property
    def _firsts(self) -> list[int]:
        return [entry.first for entry in self.entries]

    def text(self, index: int) -> str:
        """The value of an atom or quoted string token."""
        return sexpr.value(self.tokens[index].text)


def parse_prefs(data: bytes, path: str) -> PrefsFile:
    text = decode(data)
    tokens: list[Token] = []
    entries: list[Entry] = []
    lists: list[SList] = []
    seen: set[str] = set()
    for number, match in enumerate(_LINE.finditer(text), 1):
        body, end = match.groups()
        if not body and not end:
            break
        first = len(tokens)
        key = _KEY.match(body)
        assert key is not None
        name, value = key.group(1), body[key.end():]
        tree = None
        if body and (name in READ or _ACCOUNT_LIST.search(name)):
            tokens.append(Token("KEY", body[: key.end()]))
            try:
                tree = sexpr.parse(value, tokens)
            except sexpr.Malformed as error:
                if name in READ and name not in seen:
                    raise ParseError(path, number, key.end() + error.offset + 1, f"{name}: {error.message}") from None
                del tokens[first + 1:]
                tokens.append(Token("OTHER", value, secret=True))  # not read by Mulberry: kept, never shown
            if tree is not None and name != IDENTITIES:
                lists.append(tree)
        elif body and name.endswith(".Password") and value:  # the saved passwords of Mulberry 1.x
            tokens += [Token("KEY", body[: key.end()]), Token("OTHER", value, secret=True)]
        elif body:
            tokens.append(Token("OTHER", body))
        if body:
            entries.append(Entry(name, number, first, len(tokens), tree if name not in seen else None))
            seen.add(name)
        if end:
            tokens.append(Token("NL", end))
    for index in _passwords(lists, tokens):
        tokens[index] = tokens[index]._replace(secret=True)
    return PrefsFile(tuple(tokens), path, tuple(entries))


def _passwords(lists: list[SList], tokens: list[Token]) -> list[int]:
    """The password atom of every authenticator that may save one, in every list of accounts."""
    found = []
    for accounts in lists:
        for account in accounts.items:
            common = item(account, 0) if isinstance(account, SList) else None
            common = common if isinstance(common, SList) else account  # remote accounts are not wrapped
            auth = item(common, AUTH) if isinstance(common, SList) else None
            inner = item(auth, 0) if isinstance(auth, SList) else None
            descriptor = item(inner, 0) if isinstance(inner, SList) else None
            password = item(inner, PASSWORD) if isinstance(inner, SList) else None
            if isinstance(descriptor, int) and isinstance(password, int) and sexpr.value(tokens[password].text) and \
                    sexpr.value(tokens[descriptor].text) not in KERBEROS | {"None"}:
                found.append(password)
    return found


def is_preferences(data: bytes) -> bool:
    """Whether the bytes look like a Mulberry preferences map (a ``Preferences.`` key): a Mobipocket ``.mbp`` is not."""
    return re.search(rb"(?:^|[\r\n])Preferences\.[^\r\n=]*=", data) is not None
