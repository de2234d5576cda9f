"""A Mozilla mail profile: its prefs (``user.js`` over ``prefs.js``) as an object graph.

Thunderbird does not store a value equal to its default, so every lookup falls
back to the defaults of ``mailnews.js``; and ``user.js`` is read after
``prefs.js`` at each start, so a key it sets wins.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools
from typing import Optional

from migrate.document import Document
from parsers.thunderbird.prefs import PrefsFile
from parsers.thunderbird.prefs import Value

SERVER_DEFAULTS: dict[str, Value] = {
    "port": -1, "authMethod": 3, "socketType": 0, "isSecure": False, "using_subscription": True,
    "login_at_startup": False, "leave_on_server": False, "server_sub_directory": "",
}
SMTP_DEFAULTS: dict[str, Value] = {"authMethod": 3, "try_ssl": 0, "port": 0}


@dataclasses.dataclass(frozen=True)
class Profile:
    path: str  #: the profile folder
    prefs: PrefsFile
    user: Optional[PrefsFile]  #: ``user.js``, when there is one
    others: dict[str, Document] = dataclasses.field(default_factory=dict)  #: filters, saved searches, logins

    @property
    def files(self) -> dict[str, Document]:
        found: dict[str, Document] = {self.prefs.path: self.prefs}
        if self.user is not None:
            found[self.user.path] = self.user
        return {**found, **self.others}

    def value(self, name: str) -> Optional[Value]:
        for source in (self.user, self.prefs):
            pref = source.get(name) if source is not None else None
            if pref is not None:
                return pref.value
        return None

    def server(self, key: str, name: str) -> Optional[Value]:
        found = self.value(f"mail.server.{key}.{name}")
        return SERVER_DEFAULTS.get(name) if found is None else found

    def smtp(self, key: str, name: str) -> Optional[Value]:
        found = self.value(f"mail.smtpserver.{key}.{name}")
        return SMTP_DEFAULTS.get(name) if found is None else found

    @functools.cached_property
    def smtp_keys(self) -> frozenset[str]:
        """The SMTP servers Thunderbird knows: those ``mail.smtpservers`` lists."""
        return frozenset(self.keys("mail.smtpservers"))

    @functools.cached_property
    def smtp_hosts(self) -> dict[str, str]:
        """Each host name (lower case) of a listed SMTP server, to the first server listed with it."""
        found: dict[str, str] = {}
        for key in self.keys("mail.smtpservers"):
            found.setdefault(str(self.smtp(key, "hostname") or "").lower(), key)
        return found

    def keys(self, name: str) -> list[str]:
        """A comma-separated list of keys, e.g. ``mail.accountmanager.accounts``."""
        return [key.strip() for key in str(self.value(name) or "").split(",") if key.strip()]

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        """Every pref name of the profile, sorted."""
        return tuple(sorted({pref.name for source in (self.prefs, self.user) if source for pref in source.prefs}))

    def names_under(self, prefix: str) -> list[str]:
        """The profile's pref names that start with ``prefix``, in order."""
        start = end = bisect.bisect_left(self.names, prefix)
        while end < len(self.names) and self.names[end].startswith(prefix):
            end += 1
        return list(self.names[start:end])
