"""Outlook profile files (PRF) that add the service's IMAP account to a MAPI profile.

A POP account of Outlook 2002–2007 cannot become IMAP in the registry, so
``apply`` writes, beside the export, a PRF that appends an IMAP account to the
same profile (``OverwriteProfile=Append``); Outlook imports it, closed, with
``outlook.exe /importprf FILE``.  Outlook ignores an account key with no
mapping in the file's own ``[IMAP_I_Mail]`` block, and the SMTP security key
differs by version: ``SMTPUseSSL`` (0x0202) up to 2003, ``SMTPSecureConnection``
(0x020A) from 2007.  The file is ANSI text with CRLF, as the Office tools write it.
"""
from __future__ import annotations

import re
from pathlib import PurePath
from typing import NamedTuple
from typing import Optional

from migrate.model import Endpoint

OUTLOOK_2003, OUTLOOK_2007 = "2003", "2007"
_COMMON_MAPPING = (
    ("AccountType", "IMAP"),
    ("AccountName", "PT_UNICODE,0x0002"), ("DisplayName", "PT_UNICODE,0x000B"), ("EmailAddress", "PT_UNICODE,0x000C"),
    ("IMAPServer", "PT_UNICODE,0x0100"), ("IMAPUserName", "PT_UNICODE,0x0101"), ("IMAPPort", "PT_LONG,0x0104"),
    ("IMAPUseSSL", "PT_LONG,0x0105"), ("IMAPUseSPA", "PT_LONG,0x0108"),
    ("SMTPServer", "PT_UNICODE,0x0200"), ("SMTPPort", "PT_LONG,0x0201"), ("SMTPUseAuth", "PT_LONG,0x0203"),
    ("SMTPUserName", "PT_UNICODE,0x0204"), ("SMTPUseSPA", "PT_LONG,0x0207"), ("SMTPAuthMethod", "PT_LONG,0x0208"),
    ("RootFolder", "PT_UNICODE,0x1101"),
)
_SMTP_SECURITY = {OUTLOOK_2003: ("SMTPUseSSL", "PT_LONG,0x0202"), OUTLOOK_2007: ("SMTPSecureConnection", "PT_LONG,0x020A")}


class NewAccount(NamedTuple):
    """The IMAP account that replaces one POP account."""

    name: str  #: the POP account's name; the new one is called ``<name> (IMAP)``
    display_name: str
    email: str
    incoming: Endpoint  #: on the service, as the policy wants it
    outgoing: Optional[Endpoint]


def prf_path(export: str, profile: str) -> str:
    """``outlook.reg`` and profile ``Outlook`` -> ``outlook.Outlook.prf`` beside it."""
    path = PurePath(export)
    return str(path.with_name(f"{path.stem}.{re.sub(r'[^A-Za-z0-9._-]+', '_', profile)}.prf"))


def prf_text(profile: str, accounts: list[NewAccount], version: str, export: str, default: bool) -> str:
    lines = [f"; Written by mailmigrate from {PurePath(export).name}: adds the IMAP account of each POP account",
             f"; of profile {profile!r} on the new service.  With Outlook closed, run:",
             f';     outlook.exe /importprf "{PurePath(prf_path(export, profile)).name}"',
             "; then check mail in the new account and remove the POP account.",
             "[General]", "Custom=1", f"ProfileName={profile}", f"DefaultProfile={'Yes' if default else 'No'}",
             "OverwriteProfile=Append", "ModifyDefaultProfileIfPresent=FALSE", "", "[Service List]", "",
             "[Internet Account List]"]
    lines += [f"Account{number}=IMAP_I_Mail" for number in range(1, len(accounts) + 1)]
    for number, account in enumerate(accounts, 1):
        lines += ["", f"[Account{number}]", *_account(account, version)]
    security_key, security_type = _SMTP_SECURITY[version]
    lines += ["", "[IMAP_I_Mail]", *(f"{key}={value}" for key, value in _COMMON_MAPPING), f"{security_key}={security_type}"]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", "replace").decode("cp1252")  # ANSI: "?" for what it lacks


def _account(account: NewAccount, version: str) -> list[str]:
    incoming, outgoing = account.incoming, account.outgoing
    lines = ["UniqueService=No", f"AccountName={account.name} (IMAP)", f"DisplayName={account.display_name}",
             f"EmailAddress={account.email}", f"IMAPServer={incoming.host}", f"IMAPUserName={incoming.username or ''}",
             f"IMAPPort={incoming.port}", f"IMAPUseSSL={1 if incoming.security == 'ssl' else 0}", "IMAPUseSPA=0",
             "RootFolder="]
    if outgoing is None:
        return lines
    secure = 0 if outgoing.security == "none" else 1 if outgoing.security == "ssl" or version == OUTLOOK_2003 else 2
    lines += [f"SMTPServer={outgoing.host}", f"SMTPPort={outgoing.port}",
              f"{_SMTP_SECURITY[version][0]}={secure}"]
    if outgoing.auth != "none":
        same = outgoing.username == incoming.username
        lines += ["SMTPUseAuth=1", f"SMTPAuthMethod={0 if same else 1}", "SMTPUseSPA=0"]
        lines += [] if same else [f"SMTPUserName={outgoing.username or ''}"]
    return lines
