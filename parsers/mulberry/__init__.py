"""Mulberry: ``~/.mulberry/preferences.mbp``, and preference sets (``.mbp``) named or found.

The account lists (``Preferences.Accounts.Mail Accounts v2``, ``... SMTP
Accounts v2_0``) and the identities are S-expressions, read as Mulberry reads
them and rewritten atom by atom; every other line is kept byte for byte.  An
``.mbp`` that is no Mulberry preferences map (a Mobipocket one) is passed over.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.mbp",)
__getattr__ = on_demand(__name__, "MulberryParser")
