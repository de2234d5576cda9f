"""Windows registry exports (``.reg``) of Outlook Express and Outlook accounts.

A setup is one ``.reg`` file that holds an account key: Outlook Express 5/6 or
Outlook 98/2000 internet-only (``internet_accounts``), or an Outlook
2002–2007 MAPI profile (``mapi_accounts``).  The migrated export is meant to
be imported over the live registry (a merge): changed values are rewritten
where they stand, values that must go become ``"name"=-``, new ones follow
the key's last value.  For a POP account of a MAPI profile, which the
registry cannot turn into IMAP, ``apply`` also writes a PRF beside the export
(``prf``).  Outlook and Outlook Express cannot run on the file server this
works on, so no setup is ever found in use.  Account files of the same
programs (``.iaf``, ``.oeaccount``) have their own parsers, in ``account_files``; so do
roaming profiles' hives (``NTUSER.DAT``, in ``ntuser``), read by the same account rules.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("*.reg", "*.REG")
__getattr__ = on_demand(__name__, "WindowsRegistryParser")
