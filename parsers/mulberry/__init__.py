"""Mulberry: ``~/.mulberry/preferences.mbp`` (Linux), ``~/Library/Preferences/Mulberry Prefs`` (Mac OS X),
and preference sets saved as ``.mbp`` files.

The account lists (``Preferences.Accounts.Mail Accounts v2``, ``... SMTP
Accounts v2_0``) and the identities are S-expressions, read as Mulberry reads
them and rewritten atom by atom; every other line is kept byte for byte.  An
``.mbp`` that is no Mulberry preferences map (a Mobipocket one) is passed over.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.mbp", "Mulberry Prefs")
__getattr__ = on_demand(__name__, "MulberryParser")
