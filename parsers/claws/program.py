"""Which program wrote a configuration folder, and what its numbers mean.

Claws Mail forked from Sylpheed and kept the file format, but not the values of
``protocol``, ``imap_auth_method`` and ``smtp_auth_method`` (Claws
``src/prefs_account.h``, ``src/imap.h``, ``src/common/smtp.h``; Sylpheed
``libsylph/prefs_account.h``, ``imap.h``, ``smtp.h``):

- ``protocol``: Sylpheed (every version) and Claws before configuration
  version 1 number POP3 0, APOP 1, RPOP 2, IMAP 3, NNTP 4, local 5, none 6.
  Claws 3.14.0 dropped APOP and RPOP: from version 1 on IMAP is 1, NNTP 2,
  local 3, none 4.  At start Claws renumbers each account whose version is 0
  (``prefs_migration.c``); an account without ``config_version`` takes that of
  ``clawsrc`` ``[Common]`` as it was read, or 0 without one.  Writing the wrong
  IMAP value is silent: 1 in a version-0 file reads as APOP and becomes POP3.
- SMTP PLAIN is 16 in Claws but 8 in Sylpheed (Sylpheed 2.0 on; 1.x had none).
  ``1`` is the IMAP LOGIN command, and SMTP AUTH LOGIN, in all of them.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

#: Sylpheed's numbering, and Claws' before configuration version 1.
_OLD_PROTOCOLS = {0: "pop3", 1: "apop", 2: "rpop", 3: "imap", 4: "nntp", 5: "local", 6: "none"}
_CLAWS_PROTOCOLS = {0: "pop3", 1: "imap", 2: "nntp", 3: "local", 4: "none"}
_CLAWS_IMAP_AUTH = {0: "any", 1: "plain", 2: "cram-md5", 4: "anonymous", 8: "gssapi", 16: "digest-md5", 32: "scram-sha-1",
                    64: "plain", 128: "plain", 256: "oauth2", 512: "scram-sha-224", 1024: "scram-sha-256",
                    2048: "scram-sha-384", 4096: "scram-sha-512"}
_SYLPHEED_IMAP_AUTH = {0: "any", 1: "plain", 2: "cram-md5", 4: "plain", 8: "oauth2"}
_CLAWS_SMTP_AUTH = {0: "any", 1: "plain", 2: "cram-md5", 4: "digest-md5", 16: "plain", 32: "oauth2"}
_SYLPHEED_SMTP_AUTH = {0: "any", 1: "plain", 2: "cram-md5", 4: "digest-md5", 8: "plain", 16: "oauth2"}
_LEGACY_SMTP_AUTH = {0: "any", 1: "plain", 2: "cram-md5", 4: "digest-md5"}
#: The protocols that read a mailbox over POP.
POP = ("pop3", "apop", "rpop")
#: ``ssl_pop``/``ssl_imap``/``ssl_smtp`` (``ssl.h`` of both): anything else is no TLS.
SECURITY = {1: "ssl", 2: "starttls"}
SECURITY_VALUE = {"none": 0, "ssl": 1, "starttls": 2}
#: Keys only Claws writes, and keys only Sylpheed writes, to tell them apart in a folder of another name.
_CLAWS_KEYS = frozenset({"config_version", "imap_subsonly", "use_pop_auth", "ssl_certs_auto_accept", "set_tunnelcmd",
                         "low_bandwidth", "mark_crosspost_read"})
_SYLPHEED_KEYS = frozenset({"imap_check_inbox_only", "imap_filter_inbox_on_receive", "get_all_mail", "use_socks",
                            "signature_name", "imap_clear_cache_on_exit"})


@dataclasses.dataclass(frozen=True)
class Program:
    name: str  #: for people
    claws: bool  #: ``protocol`` is numbered by configuration version, ``imap_subsonly`` exists
    fold_case: bool  #: names in rc files are compared without case
    imap_auth: dict[int, str]
    smtp_auth: dict[int, str]
    smtp_plain: int  #: the ``smtp_auth_method`` written: PLAIN, or LOGIN where the program has no PLAIN

    def protocols(self, version: int) -> dict[int, str]:
        return _CLAWS_PROTOCOLS if self.claws and version >= 1 else _OLD_PROTOCOLS

    def imap_value(self, version: int) -> int:
        return 1 if self.claws and version >= 1 else 3


CLAWS = Program("Claws Mail", True, True, _CLAWS_IMAP_AUTH, _CLAWS_SMTP_AUTH, 16)
SYLPHEED = Program("Sylpheed", False, False, _SYLPHEED_IMAP_AUTH, _SYLPHEED_SMTP_AUTH, 8)
#: ``~/.sylpheed``: Sylpheed 1.x or Sylpheed-Claws of that time; LOGIN is the plain SMTP method both know.
LEGACY = Program("Sylpheed 1.x or Sylpheed-Claws", False, False, _SYLPHEED_IMAP_AUTH, _LEGACY_SMTP_AUTH, 1)
#: Folder names each program uses (``defs.h``): Claws' own and the older ones it offers to take over.
FOLDERS = {".claws-mail": CLAWS, ".sylpheed-claws": CLAWS, ".sylpheed-gtk2": CLAWS, ".sylpheed-2.0": SYLPHEED,
           ".sylpheed": LEGACY}


def detect(folder: str, names: frozenset[str], siblings: frozenset[str]) -> Optional[Program]:
    """The program of a configuration folder: by its name, else by the files beside ``accountrc``
    (``clawsrc``, ``sylpheedrc``), else by the keys only one of them writes; ``None`` if nothing tells."""
    if folder in FOLDERS:
        return FOLDERS[folder]
    if "clawsrc" in siblings:
        return CLAWS
    if "sylpheedrc" in siblings:
        return SYLPHEED
    lowered = {name.lower() for name in names}
    if lowered & _CLAWS_KEYS:
        return CLAWS
    if names & _SYLPHEED_KEYS:
        return SYLPHEED
    return None


def atoi(value: Optional[str]) -> int:
    """C's ``atoi``, as both programs read numbers: leading blanks, a sign, digits; 0 without any."""
    text = (value or "").lstrip(" \t\n\v\f\r")
    sign = -1 if text.startswith("-") else 1
    text = text[1:] if text[:1] in "+-" else text
    digits = len(text) - len(text.lstrip("0123456789"))
    return sign * int(text[: min(digits, 18)]) if digits else 0  # longer numbers overflow in C anyway


def is_true(value: Optional[str], default: bool) -> bool:
    """A boolean as they read it: empty or starting with ``0`` is false, anything else true; missing is the default."""
    if value is None:
        return default
    return not (value == "" or value.startswith("0"))
