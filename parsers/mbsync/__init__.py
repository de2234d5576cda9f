"""isync's mbsync: ``~/.mbsyncrc`` (isync 1.0 to 1.4), ``$XDG_CONFIG_HOME/isyncrc`` (1.5).

Each IMAP server (an ``IMAPAccount``, or an ``IMAPStore`` with its own ``Host``) of the
service is an account: its host, port, TLS, login mechanisms and user are rewritten in the
spelling generation the file already uses (``SSLType``/``AuthMechs`` of 1.2+, or
``UseIMAPS``/``RequireSSL``/``RequireCRAM`` of 1.0/1.1); the stores' ``Path`` and the
channels' mailboxes and ``Patterns`` lose the INBOX level.  ``MaildirStore`` sections and the
servers of other providers are left byte for byte.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".mbsyncrc", "*.mbsyncrc", "isyncrc")
__getattr__ = on_demand(__name__, "MbsyncParser")
