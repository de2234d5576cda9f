"""fetchmail's ``~/.fetchmailrc`` (fetchmail 6.4 grammar).

Each user of each ``poll``/``skip`` entry is one account.  ``smtphost``,
``mda`` and the like say where fetched mail is *delivered*, so they are never
taken for the outgoing server.  A running daemon (``.fetchmail.pid`` beside
the file naming a live process) means the file is left alone: the daemon
re-reads the file by itself, and would die on a half-done edit.
"""
from parsers import on_demand

MAILMIGRATE_PATTERNS = (".fetchmailrc", "fetchmailrc", "*.fetchmailrc")
__getattr__ = on_demand(__name__, "FetchmailParser")
