"""getmail 4, 5 and getmail6: the rc files in ``~/.getmail/`` and ``$XDG_CONFIG_HOME/getmail/``.

Each rc file has one ``[retriever]``: a POP3 retriever of the service becomes the matching
IMAP one over SSL (getmail has no STARTTLS), with the new ``server``, ``port`` and
``username``; an IMAP one goes over SSL, and its ``mailboxes`` and ``move_on_delete`` lose
the INBOX level.  ``[destination]`` and ``[options]`` are never touched: the plan says where
``read_all`` or ``delete`` would fetch mail again, or delete it, over IMAP.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".getmail/*", ".config/getmail/*", "getmailrc", "*.getmailrc")
__getattr__ = on_demand(__name__, "GetmailParser")
