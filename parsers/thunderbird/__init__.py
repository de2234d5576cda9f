"""Thunderbird, SeaMonkey and older Mozilla mail profiles.

A setup is a profile folder: ``prefs.js``, and ``user.js`` when there is one
(it wins at every start, so what it sets is migrated there too), with the
files that name folders or servers (filters, saved searches, saved logins,
certificate exceptions).  IMAP
accounts are edited in place; a POP account gets a new IMAP account beside it
and stays, renamed and never checked, with the mail it downloaded.  A profile
whose lock is held (Thunderbird running) is left alone.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("prefs.js", "profiles.ini")
__getattr__ = on_demand(__name__, "ThunderbirdParser")
