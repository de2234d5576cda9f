"""What Eudora for Windows makes of an ``Eudora.ini``: an independent reader for the tests.

No Windows and no Eudora run here (Wine could host ``GetPrivateProfileStringA``, but
not Eudora, and a Windows build toolchain and Wine are far heavier than what they would
prove), so this is written apart from ``parsers/eudora`` from the documented behaviour
of the Windows API (WelliSolutions' IniFileFormatReverseEngineering, whose tests run
against Windows itself) and from Eudora 7.1's source (``persona.cpp``, ``rs.cpp``,
``QCMailSettings.cpp``, ``ImapAccount.cpp``, ``proto.cpp``, ``SMTPSession.cpp``); it
shares no code with the parser.
"""
from __future__ import annotations

from typing import Optional

_BLANK = " \t\v"
DEFAULTS = {  # the INI key table of Eudora 7.1's EudoraRes.rc, keys in lower case
    "usespop": "1", "usesimap": "0", "sslreceiveuse": "1", "sslsenduse": "1", "sslimapalternateport": "993",
    "sslpopalternateport": "995", "sslsmtpalternateport": "465", "submissionport": "587", "usesubmissionport": "0",
    "authenticatepassword": "1", "authenticatekerberos": "0", "authenticateapop": "0", "authenticaterpa": "0",
    "smtpauthallowed": "1", "smtpauthrequired": "0", "savepassword": "0", "usepopsend": "0", "imapport": "143",
    "trashmailboxname": "Trash", "junkmailboxname": "Junk", "leavemailonserver": "0",
}
#: Read for a connection from the personality's own section only: ImapAccount.cpp (GetAddress, GetPortNum,
#: GetLogin, GetPrefix), QCImapMailboxDirector.cpp (AccountDir), QCMailSettings.cpp (UseSubmissionPort).
OWN_ONLY = frozenset({"popserver", "imapport", "loginname", "imapdirectoryprefix", "accountdir", "usesubmissionport"})
#: Read from its own section by an IMAP personality's login (ImapAccount.cpp IsAllowAuthenticate, IsAuthKerberos),
#: as GetIniString does by a POP one (QCMailSettings.cpp).
OWN_IF_IMAP = frozenset({"authenticatekerberos", "authenticateapop"})


class Profile:
    """An INI file as ``GetPrivateProfileString`` sees it: sections in file order, each a list of (key, value)."""

    def __init__(self, data: bytes) -> None:
        self.sections: list[tuple[str, list[tuple[str, Optional[str]]]]] = []
        for raw in data.decode("cp1252", "surrogateescape").split("\n"):
            line = raw[:-1] if raw.endswith("\r") else raw
            line = line.strip(_BLANK)
            if line.startswith("["):
                self.sections.append((line[1:].partition("]")[0].strip(_BLANK), []))
            elif line and not line.startswith(";") and self.sections:
                key, equals, value = line.partition("=")
                value = value.strip(_BLANK)
                if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                self.sections[-1][1].append((key.strip(_BLANK), value if equals else None))

    def get(self, section: str, key: str) -> Optional[str]:
        """``GetPrivateProfileString`` with no default: ``None`` when absent (or written without ``=``)."""
        for name, entries in self.sections:
            if name.lower() == section.lower():
                for found, value in entries:
                    if found.lower() == key.lower():
                        return value
                return None  # only the first section of a name is read
        return None

    def has_section(self, section: str) -> bool:
        return any(name.lower() == section.lower() for name, _ in self.sections)


def personalities(profile: Profile) -> list[str]:
    """The section of each personality: ``Settings``, then ``Persona-<name>`` for each listed one."""
    found = ["Settings"]
    for index in range(99):
        entry = profile.get("Personalities", f"Persona{index}")
        if not entry:
            break
        section = "Persona-" + entry[8:]
        if entry[8:] and section.lower() not in (f.lower() for f in found):
            found.append(section)
    return found


def setting(profile: Profile, persona: str, key: str, own_only: bool = False) -> Optional[str]:
    """``GetIniString`` for ``persona`` (its section, then [Settings], then the default), or with
    ``own_only`` the personality's section alone (``CPersonality::GetProfileString``), then the default."""
    value = profile.get(persona, key)
    if value is None and not own_only:
        value = profile.get("Settings", key)
    return value if value is not None else DEFAULTS.get(key.lower(), "")  # a key with no default reads as ""


def atoi(text: Optional[str]) -> int:
    digits = ""
    for char in (text or "").lstrip(" \t"):
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else 0


def connection(profile: Profile, persona: str) -> dict:
    """How Eudora connects for one personality: reading and sending."""
    own = lambda key: setting(profile, persona, key, own_only=True)  # noqa: E731
    shared = lambda key: setting(profile, persona, key)  # noqa: E731
    imap = atoi(own("UsesIMAP")) != 0
    receive = atoi(shared("SSLReceiveUse"))
    if imap:
        server = (own("PopServer") or "").strip()
        host, _, port_text = server.partition(":")
        port = atoi(shared("SSLIMAPAlternatePort")) if receive == 2 else (
            atoi(own("IMAPPort")) or atoi(port_text) or 143)
        login = (own("LoginName") or "").strip()
        auth = "kerberos" if atoi(own("AuthenticateKerberos")) else "cram-md5" if atoi(own("AuthenticateAPOP")) else "password"
    else:
        account = shared("POPAccount") or ""
        login, _, host = account.rpartition("@")
        port = atoi(shared("SSLPOPAlternatePort")) if receive == 2 else atoi(shared("POPPort")) or 110
        auth = ("kerberos" if atoi(shared("AuthenticateKerberos")) else "apop" if atoi(shared("AuthenticateAPOP"))
                else "rpa" if atoi(shared("AuthenticateRPA")) else "password")
    send = atoi(shared("SSLSendUse"))
    smtp_host = (shared("SMTPServer") or "").strip() or (shared("POPAccount") or "").rpartition("@")[2]
    if send == 2:
        smtp_port = atoi(shared("SSLSMTPAlternatePort"))
    elif atoi(own("UseSubmissionPort")):
        smtp_port = atoi(shared("SubmissionPort"))
    else:
        smtp_port = atoi(shared("SMTPPort")) or 25
    via_pop = atoi(shared("UsePOPSend")) != 0
    if via_pop:  # sent through the POP server (XTND XMIT), SMTPSession.cpp
        smtp_host = host
    return {
        "protocol": "imap" if imap else "pop", "host": host.strip(), "port": port, "tls": receive, "login": login,
        "auth": auth, "prefix": (own("ImapDirectoryPrefix") or "").strip(), "pop_account": shared("POPAccount"),
        "smtp_host": smtp_host.strip(), "smtp_port": smtp_port, "smtp_tls": send, "smtp_via_pop": via_pop,
        "smtp_auth_allowed": not via_pop and atoi(shared("SmtpAuthAllowed")) != 0,
        "smtp_auth_required": not via_pop and atoi(shared("SmtpAuthRequired")) != 0,
        "smtp_banished": {w.strip().upper() for w in (shared("SmtpAuthBanished") or "").split(",") if w.strip()},
        "trash": mailbox(profile, persona, "TrashMailboxName"), "junk": mailbox(profile, persona, "JunkMailboxName"),
    }


def mailbox(profile: Profile, persona: str, key: str) -> str:
    """A special mailbox's full IMAP name (ImapAccount.cpp GetTrashMailboxName, GetJunkMailboxName): its own
    name, or when that is empty GetIniString's, under the prefix (a trash name already under it taken whole)."""
    name = (profile.get(persona, key) or "").strip() or setting(profile, persona, key).strip()
    prefix = (setting(profile, persona, "ImapDirectoryPrefix", own_only=True) or "").strip()
    return name if key == "TrashMailboxName" and name.startswith(prefix) else prefix + name


def settings_of(profile: Profile, persona: str, keys: set[str]) -> dict[str, Optional[str]]:
    """Every key as Eudora's code reads it for a personality: from its own section alone for the keys
    read so, else as ``GetIniString`` does (the few keys read both ways are in ``connection``)."""
    imap = atoi(setting(profile, persona, "UsesIMAP", own_only=True)) != 0
    return {key.lower(): setting(profile, persona, key, own_only=key.lower() in OWN_ONLY or (imap and key.lower() in OWN_IF_IMAP))
            for key in keys}


def keys_of(profile: Profile) -> set[str]:
    return {key.lower() for _, entries in profile.sections for key, _ in entries}
