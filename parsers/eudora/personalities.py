"""Eudora's personalities, and how Eudora reads a setting of each (Eudora for Windows 7.1 source:
``persona.cpp``, ``rs.cpp``, ``QCMailSettings.cpp``, ``ImapAccount.cpp``).

The dominant personality is ``[Settings]``.  The alternates are those
``[Personalities]`` lists as ``Persona0``, ``Persona1``, ... up to the first
missing one (at most 99); ``PersonaN=Persona-Work`` names the section
``[Persona-Work]`` (Eudora drops the first eight characters and puts
``Persona-`` back).  A ``[Persona-*]`` section the list does not name is
never read.

Two ways of reading a setting: most of Eudora asks ``GetIniString``, which
looks in the personality's own section, then in ``[Settings]``, then in an
administrator's ``DEudora.ini`` beside the program, then takes the built-in
default (``inherited``); the IMAP code and a few others read the
personality's own section only, its default when absent (``own``).
"""
from __future__ import annotations

import dataclasses
from typing import Iterator
from typing import Optional

from parsers.eudora.ini import IniFile
from parsers.eudora.ini import Section

DOMINANT = "<Dominant>"
DOMINANT_SECTION = "Settings"
PREFIX = "Persona-"
_LISTED_AT_MOST = 99  #: ``Persona0`` ... ``Persona98`` (persona.h ``MAX_PERSONAS`` - 1)
#: Built-in defaults of the settings read here (the INI key table of ``EudoraRes.rc``).
DEFAULTS = {
    "usespop": "1", "usesimap": "0", "sslreceiveuse": "1", "sslsenduse": "1", "sslpopalternateport": "995",
    "sslimapalternateport": "993", "sslsmtpalternateport": "465", "imapport": "143", "submissionport": "587",
    "usesubmissionport": "0", "authenticatepassword": "1", "authenticatekerberos": "0", "authenticateapop": "0",
    "authenticaterpa": "0", "smtpauthallowed": "1", "smtpauthrequired": "0", "savepassword": "0",
    "leavemailonserver": "0", "usepopsend": "0", "trashmailboxname": "Trash", "junkmailboxname": "Junk",
}
#: On/off settings: Eudora takes any number but 0 as on.
SWITCHES = frozenset({"usespop", "usesimap", "usesubmissionport", "authenticatepassword", "authenticatekerberos",
                      "authenticateapop", "authenticaterpa", "smtpauthallowed", "smtpauthrequired", "savepassword",
                      "usepopsend"})
#: Settings no part of Eudora ever takes from ``[Settings]`` for an alternate personality.
NEVER_INHERITED = frozenset({"popserver", "loginname", "imapdirectoryprefix", "imapport", "usesubmissionport",
                             "accountdir", "savepasswordtext"})


@dataclasses.dataclass(frozen=True)
class Personality:
    name: str  #: ``<Dominant>``, or the alternate's name
    section_name: str  #: ``Settings`` or ``Persona-<name>``
    section: Optional[Section]  #: its own section, if the file has one
    dominant: Optional[Section]  #: ``[Settings]``, where an alternate's missing settings come from
    line: int  #: where it is declared: its section, else its ``PersonaN`` line

    @property
    def is_dominant(self) -> bool:
        return self.name == DOMINANT

    @property
    def key(self) -> str:
        return self.section_name

    def written(self, key: str) -> Optional[str]:
        """The value in its own section, ``None`` when it has none there."""
        return self.section.get(key) if self.section is not None else None

    def own(self, key: str) -> Optional[str]:
        """As Eudora's code that reads the personality's section alone: there, else the default."""
        found = self.written(key)
        return found if found is not None else DEFAULTS.get(key.lower())

    def inherited(self, key: str) -> Optional[str]:
        """As ``GetIniString``: its own section, then ``[Settings]``, then the default (a ``DEudora.ini``
        is beside the program, not in the data folder: never seen here)."""
        found = self.written(key)
        if found is None and self.dominant is not None:
            found = self.dominant.get(key)
        return found if found is not None else DEFAULTS.get(key.lower())


def personalities(ini: IniFile) -> Iterator[Personality]:
    """The dominant personality, then each alternate in list order."""
    dominant = ini.section(DOMINANT_SECTION)
    yield Personality(DOMINANT, DOMINANT_SECTION, dominant, dominant, dominant.line if dominant else 1)
    listed = ini.section("Personalities")
    if listed is None:
        return
    seen = set()
    for number in range(_LISTED_AT_MOST):
        entry = listed.entry(f"Persona{number}")
        if entry is None or not entry.value:
            return
        name = entry.value[len(PREFIX):]
        section_name = PREFIX + name
        if not name or name == DOMINANT or section_name.lower() in seen:
            continue
        seen.add(section_name.lower())
        own = ini.section(section_name)
        yield Personality(name, section_name, own, dominant, own.line if own else entry.line)


def number(value: Optional[str]) -> int:
    """A setting as ``atoi`` reads it: leading blanks, a sign, digits; anything else is 0."""
    text = (value or "").lstrip(" \t")
    sign = -1 if text.startswith("-") else 1
    text = text[1:] if text[:1] in "+-" else text
    digits = len(text) - len(text.lstrip("0123456789"))
    return sign * int(text[:digits]) if digits else 0
