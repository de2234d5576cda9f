"""The accounts of the mail and SMTP lists, with the tokens of the values this tool reads (see ``layout``).

A mail account is ``((common)(specific general future...))``, an SMTP account
``((common)(future...))``.  *specific* (``CMailAccount``) for IMAP: delimiter,
auto-namespace, ``(WDs)`` (the hierarchies shown, each ``(name hierarchic
expanded)``), disconnected; for POP3: ``(WDs)``, line ends, leave on server and
the other POP options; then for both *general*: expanded, subscriptions
hierarchic and expanded, tie identity, the tied identity.
"""
from __future__ import annotations

import dataclasses
from typing import Optional
from typing import Union

from migrate.errors import ParseError
from parsers.mulberry.layout import AUTH
from parsers.mulberry.layout import CWD
from parsers.mulberry.layout import LOGON
from parsers.mulberry.layout import NAME
from parsers.mulberry.layout import SERVER
from parsers.mulberry.layout import TYPE
from parsers.mulberry.prefsfile import IDENTITIES
from parsers.mulberry.prefsfile import MAIL_ACCOUNTS
from parsers.mulberry.prefsfile import SMTP_ACCOUNTS
from parsers.mulberry.prefsfile import PrefsFile
from parsers.mulberry.sexpr import SList
from parsers.mulberry.sexpr import item

#: Where a POP3 account's general part starts (after WDs, line ends and seven POP options).
POP_GENERAL = 9
IMAP_GENERAL = 4
#: Where a mail account's hierarchies shown (WDs) stand in its specific part.
_WDS = {"IMAP": 2, "POP3": 0, "Local": 0}
COPY_TO = 9  #: the identity's copy-to mailbox (``account:mailbox``), Mulberry 2.0 and later


@dataclasses.dataclass(frozen=True)
class Authenticator:
    outer: SList  #: ``((...))``
    inner: Optional[SList]  #: the authenticator's own list; ``None`` when ``()``
    descriptor: str

    def at(self, index: int) -> Optional[int]:
        """An atom of the authenticator's list (0 is its descriptor), or ``None``."""
        found = item(self.inner, index) if self.inner is not None else None
        return found if isinstance(found, int) else None


@dataclasses.dataclass(frozen=True)
class Record:
    """One account of a list, with the tokens of the values this tool reads."""

    key: str  #: ``mail<n>`` or ``smtp<n>``, its place in its list
    whole: SList
    common: SList
    specific: Optional[SList]
    kind: str  #: the type atom's value: ``IMAP``, ``POP3``, ``SMTP``, ``Local``, ...
    auth: Authenticator

    def atom(self, index: int) -> Optional[int]:
        found = item(self.common, index)
        return found if isinstance(found, int) else None

    def specific_atom(self, index: int) -> Optional[int]:
        found = item(self.specific, index) if self.specific is not None else None
        return found if isinstance(found, int) else None

    @property
    def wds(self) -> Optional[SList]:
        """The hierarchies shown (mail accounts)."""
        found = item(self.specific, _WDS[self.kind]) if self.specific is not None and self.kind in _WDS else None
        return found if isinstance(found, SList) else None

    @property
    def general(self) -> int:
        """Where the general part starts in the specific list."""
        return POP_GENERAL if self.kind == "POP3" else IMAP_GENERAL


def records(prefs: PrefsFile, key: str) -> list[Record]:
    """The accounts of one list (``MAIL_ACCOUNTS`` or ``SMTP_ACCOUNTS``), in order."""
    tree = prefs.tree(key)
    if tree is None:
        return []
    return [_record(prefs, key, n, whole) for n, whole in enumerate(tree.items)]


def _record(prefs: PrefsFile, key: str, n: int, whole: Union[int, SList]) -> Record:
    common = item(whole, 0) if isinstance(whole, SList) else None
    specific = item(whole, 1) if isinstance(whole, SList) else None
    shape = isinstance(common, SList) and len(common.items) > CWD and all(
        isinstance(common.items[i], int) for i in (NAME, TYPE, SERVER, LOGON)) and isinstance(common.items[AUTH], SList)
    if not shape or (key == MAIL_ACCOUNTS and not isinstance(specific, SList)):
        line, col = prefs.where(whole.open if isinstance(whole, SList) else whole)
        raise ParseError(prefs.path, line, col, f"{key}: account {n + 1} is not laid out as Mulberry 2.0 or later"
                                                " writes accounts ((name type server ...)(...))")
    assert isinstance(common, SList)
    outer = common.items[AUTH]
    assert isinstance(outer, SList)
    inner = item(outer, 0)
    inner = inner if isinstance(inner, SList) else None
    descriptor = item(inner, 0) if inner is not None else None
    auth = Authenticator(outer, inner, prefs.text(descriptor) if isinstance(descriptor, int) else "")
    kind = prefs.text(common.items[TYPE])  # type: ignore[arg-type]
    specific = specific if isinstance(specific, SList) else None
    record = Record(f"{'mail' if key == MAIL_ACCOUNTS else 'smtp'}{n}", whole, common, specific, kind, auth)  # type: ignore[arg-type]
    shown = item(specific, _WDS[kind]) if isinstance(specific, SList) and kind in _WDS else None
    if shown is not None and not (isinstance(shown, SList) and all(isinstance(wd, SList) for wd in shown.items)):
        line, col = prefs.where(shown.open if isinstance(shown, SList) else shown)
        raise ParseError(prefs.path, line, col, f"{key}: the hierarchies of account {n + 1} are not a list of"
                                                " (name hierarchic expanded) lists")
    return record


def copy_to_atoms(prefs: PrefsFile) -> list[int]:
    """Each identity's copy-to mailbox atom (``account:mailbox``)."""
    tree = prefs.tree(IDENTITIES)
    if tree is None:
        return []
    return [found for identity in tree.items if isinstance(identity, SList)
            for found in [item(identity, COPY_TO)] if isinstance(found, int)]


def mail_records(prefs: PrefsFile) -> list[Record]:
    return records(prefs, MAIL_ACCOUNTS)


def smtp_records(prefs: PrefsFile) -> list[Record]:
    return records(prefs, SMTP_ACCOUNTS)
