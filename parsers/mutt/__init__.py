"""mutt and NeoMutt: ``~/.muttrc``, ``~/.mutt/muttrc``, ``~/.config/mutt/muttrc``, the neomuttrc
files, and everything they ``source`` inside the home.

Each server the setup names is one account: reading (IMAP, POP) or sending
(SMTP).  Names are replaced where they stand, inside hook commands and macros
too; ``$VAR`` and backtick words are never touched, and commands that
``source`` a program's output are reported, not run.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".muttrc", "muttrc", ".neomuttrc", "neomuttrc", "*.muttrc", "*.neomuttrc")
__getattr__ = on_demand(__name__, "MuttParser")
