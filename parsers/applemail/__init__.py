"""Apple Mail (Mail 2-4 on Mac OS X 10.4-10.6, and Lion's layout): accounts in property lists.

A setup is one file: ``~/Library/Preferences/com.apple.mail.plist`` (its
``MailAccounts`` and ``DeliveryAccounts``), ``~/Library/Mail/V2/MailData/Accounts.plist``
(10.7-10.10), or ``~/Library/Mail/Accounts.plist`` where one exists, XML or binary;
it is written back in the format found.  IMAP and outgoing accounts change in
place; a POP account gets a new IMAP account beside it and stays, with its mail.
Passwords are in the Keychain, never touched.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = ("com.apple.mail.plist", "Accounts.plist")
__getattr__ = on_demand(__name__, "AppleMailParser")
